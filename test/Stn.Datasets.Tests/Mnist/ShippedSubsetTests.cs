using System.IO;
using System.IO.Compression;
using System.Linq;
using Stn.Datasets.Data;
using Stn.Datasets.IO;
using Stn.Datasets.Mnist;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Mnist
{
    public class ShippedSubsetTests
    {
        [Fact]
        public void Files_MatchTheirSha256Sums()
        {
            string folder = RepositoryPaths.MnistSubset();
            var sums = Sha256Sums.Read(Path.Combine(folder, Sha256Sums.FileName));
            Assert.Equal(MnistFiles.All.Select(n => n + ".gz").OrderBy(n => n), sums.Keys.OrderBy(n => n));
            foreach (var (name, hash) in sums)
                Assert.Equal(hash, Sha256Sums.OfFile(Path.Combine(folder, name)));
        }

        [Fact]
        public void Loads_WithTheKnownSizesAndFirstLabels()
        {
            MnistDataset subset = Digits.Subset;
            Assert.Equal((MnistSubset.Defaults.TrainCount, 28, 28),
                (subset.Train.Count, subset.Train.Height, subset.Train.Width));
            Assert.Equal((MnistSubset.Defaults.TestCount, 28, 28),
                (subset.Test.Count, subset.Test.Height, subset.Test.Width));
            // The first labels of MNIST's training and test files.
            Assert.Equal(new byte[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, subset.Train.Labels[..10]);
            Assert.Equal(new byte[] { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 }, subset.Test.Labels[..10]);
            Assert.All(subset.Train.Labels, l => Assert.InRange(l, 0, 9));
            // Each digit class is present roughly evenly (MNIST is balanced to within a factor of ~1.3).
            var counts = subset.Train.Labels.GroupBy(l => l).Select(g => g.Count()).ToArray();
            Assert.Equal(10, counts.Length);
            Assert.All(counts, c => Assert.InRange(c, 450, 750));
        }

        [Fact]
        public void ImagesLookLikeDigits()
        {
            LabeledImageSet train = Digits.Subset.Train;
            // MNIST digits are centred by mass in a 20x20 box: borders are blank, the centre is inked.
            for (int i = 0; i < 50; i++)
            {
                var pixels = train.GetPixels(i);
                Assert.Equal(0, pixels[0] + pixels[27] + pixels[27 * 28] + pixels[28 * 28 - 1]);
                Assert.True(pixels.ToArray().Count(p => p > 128) > 40, $"image {i} has too little ink");
            }
        }

        [FullMnistFact]
        public void ShippedSubset_IsThePrefixOfTheFullMnist()
        {
            using var folder = new TempFolder();
            MnistSubset.Write(RepositoryPaths.FullMnist(), folder.Path);
            foreach (string name in MnistFiles.All)
                Assert.Equal(Decompressed(Path.Combine(folder.Path, name + ".gz")),
                    Decompressed(Path.Combine(RepositoryPaths.MnistSubset(), name + ".gz")));
        }

        private static string Decompressed(string path)
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            return Sha256Sums.OfStream(gzip);
        }
    }
}
