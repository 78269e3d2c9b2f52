using System.IO;
using Stn.Datasets.Data;
using Stn.Datasets.Idx;
using Stn.Datasets.Mnist;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Mnist
{
    public class MnistDatasetTests
    {
        private static void WriteSplit(string folder, MnistSplit split, LabeledImageSet set, string suffix)
        {
            var (images, labels) = MnistFiles.Names(split);
            IdxWriter.Write(Path.Combine(folder, images + suffix), set.ImagesAsIdx());
            IdxWriter.Write(Path.Combine(folder, labels + suffix), set.LabelsAsIdx());
        }

        [Fact]
        public void ReadsRawAndGzipFilesMixed()
        {
            using var folder = new TempFolder();
            WriteSplit(folder.Path, MnistSplit.Train, Digits.Train(20), "");
            WriteSplit(folder.Path, MnistSplit.Test, Digits.Subset.Test.Take(7), ".gz");
            var dataset = MnistDataset.Load(folder.Path);
            Assert.Equal(20, dataset.Train.Count);
            Assert.Equal(7, dataset.Test.Count);
            Assert.Equal(Digits.Train(20).Pixels, dataset.Train.Pixels);
            Assert.Equal(Digits.Subset.Test.Labels[..7], dataset.Test.Labels);
        }

        [Fact]
        public void MissingFile_NamesTheFolderAndBothNames()
        {
            using var folder = new TempFolder();
            WriteSplit(folder.Path, MnistSplit.Train, Digits.Train(3), ".gz");
            var e = Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(folder.Path));
            Assert.Contains(folder.Path, e.Message);
            Assert.Contains("'t10k-images-idx3-ubyte' or 't10k-images-idx3-ubyte.gz'", e.Message);
        }

        [Fact]
        public void LabelCountMismatch_NamesBothFilesAndCounts()
        {
            using var folder = new TempFolder();
            var set = Digits.Train(5);
            var (images, labels) = MnistFiles.Names(MnistSplit.Train);
            IdxWriter.Write(Path.Combine(folder.Path, images + ".gz"), set.ImagesAsIdx());
            IdxWriter.Write(Path.Combine(folder.Path, labels + ".gz"), new IdxArray(new[] { 4 }, set.Labels[..4]));
            var e = Assert.Throws<InvalidDataException>(() => MnistDataset.LoadSplit(folder.Path, MnistSplit.Train));
            Assert.Contains(images, e.Message);
            Assert.Contains(labels, e.Message);
            Assert.Contains("expected 5 labels, got 4", e.Message);
        }
    }
}
