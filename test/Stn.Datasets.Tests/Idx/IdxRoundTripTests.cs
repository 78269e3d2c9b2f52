using System;
using System.IO;
using Stn.Datasets.Idx;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Idx
{
    public class IdxRoundTripTests
    {
        private static IdxArray RandomArray(int seed, params int[] dimensions)
        {
            var data = new byte[ElementCount(dimensions)];
            new Random(seed).NextBytes(data);
            return new IdxArray(dimensions, data);
        }

        private static int ElementCount(int[] dimensions)
        {
            int n = 1;
            foreach (int d in dimensions) n *= d;
            return n;
        }

        [Theory]
        [InlineData("images.gz", true)]
        [InlineData("images.idx", false)]
        public void WriteThenRead_GivesTheSameArray(string name, bool gzip)
        {
            using var folder = new TempFolder();
            var array = RandomArray(1, 5, 7, 3);
            IdxWriter.Write(folder.File(name), array);

            byte[] bytes = File.ReadAllBytes(folder.File(name));
            Assert.Equal(gzip, bytes[0] == 0x1F && bytes[1] == 0x8B);
            if (!gzip) Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 7, 0, 0, 0, 3 }, bytes[..16]);

            IdxArray read = IdxReader.ReadImages(folder.File(name));
            Assert.Equal(new[] { 5, 7, 3 }, read.Dimensions);
            Assert.Equal(array.Data, read.Data);
            Assert.Empty(Directory.GetFiles(folder.Path, "*.stn-tmp"));
        }

        [Fact]
        public void Labels_RoundTrip()
        {
            using var folder = new TempFolder();
            var labels = new IdxArray(new[] { 10 }, new byte[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 });
            IdxWriter.Write(folder.File("labels.gz"), labels);
            Assert.Equal(labels.Data, IdxReader.ReadLabels(folder.File("labels.gz")).Data);
        }

        [Fact]
        public void Gzip_IsDetectedByMagicBytes_NotByName()
        {
            using var folder = new TempFolder();
            var array = RandomArray(2, 4, 2, 2);
            IdxWriter.Write(folder.File("compressed.bin"), array, compress: true);
            IdxWriter.Write(folder.File("raw.gz"), array, compress: false);
            Assert.Equal(array.Data, IdxReader.Read(folder.File("compressed.bin")).Data);
            Assert.Equal(array.Data, IdxReader.Read(folder.File("raw.gz")).Data);
        }

        [Fact]
        public void Write_ReplacesAnExistingFile()
        {
            using var folder = new TempFolder();
            IdxWriter.Write(folder.File("x.idx"), RandomArray(3, 9, 2, 2));
            var second = RandomArray(4, 1, 2, 2);
            IdxWriter.Write(folder.File("x.idx"), second);
            Assert.Equal(second.Data, IdxReader.Read(folder.File("x.idx")).Data);
        }

        [Fact]
        public void EmptyArray_RoundTrips()
        {
            using var folder = new TempFolder();
            IdxWriter.Write(folder.File("empty.gz"), new IdxArray(new[] { 0, 28, 28 }, Array.Empty<byte>()));
            Assert.Equal(new[] { 0, 28, 28 }, IdxReader.ReadImages(folder.File("empty.gz")).Dimensions);
        }
    }
}
