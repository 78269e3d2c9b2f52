using System;
using System.IO;
using Stn.Datasets.Idx;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Idx
{
    public class IdxErrorTests
    {
        private static readonly IdxArray s_images = new IdxArray(new[] { 3, 4, 4 }, new byte[48]);

        private static InvalidDataException ReadFails(string path, int? rank = 3)
        {
            var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path, rank));
            Assert.Contains(path, e.Message);
            return e;
        }

        [Fact]
        public void BadMagic_NamesFileExpectedAndActual()
        {
            using var folder = new TempFolder();
            string path = folder.File("bad-magic");
            IdxWriter.Write(path, s_images);
            byte[] bytes = File.ReadAllBytes(path);
            bytes[2] = 0x09; // not unsigned bytes
            File.WriteAllBytes(path, bytes);
            var e = ReadFails(path);
            Assert.Contains("0x00000803", e.Message);
            Assert.Contains("0x00000903", e.Message);
        }

        [Fact]
        public void LabelFileReadAsImages_IsABadMagic()
        {
            using var folder = new TempFolder();
            string path = folder.File("labels.gz");
            IdxWriter.Write(path, new IdxArray(new[] { 4 }, new byte[4]));
            var e = ReadFails(path);
            Assert.Contains("expected 0x00000803", e.Message);
            Assert.Contains("got 0x00000801", e.Message);
        }

        [Fact]
        public void TruncatedRawFile_NamesExpectedAndActualLength()
        {
            using var folder = new TempFolder();
            string path = folder.File("truncated");
            IdxWriter.Write(path, s_images);
            byte[] bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
            var e = ReadFails(path);
            Assert.Contains("truncated", e.Message);
            Assert.Contains("expected 48 data bytes", e.Message);
            Assert.Contains("got 38 bytes", e.Message);
        }

        [Fact]
        public void TruncatedGzipFile_NamesTheFile()
        {
            using var folder = new TempFolder();
            string path = folder.File("truncated.gz");
            var noisy = new byte[4000];
            new Random(5).NextBytes(noisy); // incompressible, so the cut lands inside the data
            IdxWriter.Write(path, new IdxArray(new[] { 10, 20, 20 }, noisy));
            byte[] bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            ReadFails(path);
        }

        [Fact]
        public void TruncatedHeader_IsReported()
        {
            using var folder = new TempFolder();
            string path = folder.File("short");
            File.WriteAllBytes(path, new byte[] { 0, 0, 8, 3, 0, 0 });
            var e = ReadFails(path);
            Assert.Contains("expected 12 bytes, got 2 bytes", e.Message);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(3)]
        public void TooShortForAHeader(int length)
        {
            using var folder = new TempFolder();
            string path = folder.File("tiny");
            File.WriteAllBytes(path, new byte[length]);
            var e = ReadFails(path);
            Assert.Contains($"got {length} bytes", e.Message);
        }

        [Fact]
        public void TrailingBytes_AreReported()
        {
            using var folder = new TempFolder();
            string path = folder.File("long");
            IdxWriter.Write(path, s_images);
            File.AppendAllText(path, "extra");
            var e = ReadFails(path);
            Assert.Contains("bytes after the data", e.Message);
        }

        [Fact]
        public void NotGzipNorIdx_IsABadMagic()
        {
            using var folder = new TempFolder();
            string path = folder.File("text.gz");
            File.WriteAllText(path, "hello, world");
            ReadFails(path, rank: null);
        }

        [Fact]
        public void ArrayConstructor_ChecksTheDataLength()
        {
            var e = Assert.Throws<ArgumentException>(() => new IdxArray(new[] { 2, 3 }, new byte[5]));
            Assert.Contains("6 bytes", e.Message);
            Assert.Contains("got 5", e.Message);
        }
    }
}
