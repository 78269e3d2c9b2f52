using System;
using System.IO;
using System.Linq;
using Stn.Datasets.Data;
using Stn.Datasets.Idx;
using Stn.Datasets.IO;

namespace Stn.Datasets.Mnist
{
    /// <summary>
    /// Produces the subset shipped in <c>samples/data/mnist-subset</c>: the first N training and first M test images
    /// and labels of a full MNIST folder, written as the four standard ".gz" IDX files plus SHA256SUMS, so
    /// <see cref="MnistDataset"/> reads it like the original. To regenerate it from the repository root:
    /// <code>STN_WRITE_MNIST_SUBSET=1 dotnet test test/Stn.Datasets.Tests --filter
    /// "FullyQualifiedName~MnistSubsetTool"</code> (reads <see cref="RepositoryPaths.FullMnist"/>, writes <see
    /// cref="RepositoryPaths.MnistSubset"/>).
    /// </summary>
    public static class MnistSubset
    {
        /// <summary>Default sizes of the shipped subset.</summary>
        public static class Defaults
        {
            /// <summary>Training images kept.</summary>
            public const int TrainCount = 6000;
            /// <summary>Test images kept.</summary>
            public const int TestCount = 1000;
        }

        /// <summary>
        /// Writes the first <paramref name="trainCount"/> training and <paramref name="testCount"/> test images of the
        /// MNIST in <paramref name="sourceFolder"/> to <paramref name="destinationFolder"/> (each file atomically),
        /// then SHA256SUMS.
        /// </summary>
        public static void Write(string sourceFolder, string destinationFolder,
            int trainCount = Defaults.TrainCount, int testCount = Defaults.TestCount)
        {
            if (sourceFolder is null) throw new ArgumentNullException(nameof(sourceFolder));
            if (destinationFolder is null) throw new ArgumentNullException(nameof(destinationFolder));
            Directory.CreateDirectory(destinationFolder);
            foreach (var (split, count) in new[] { (MnistSplit.Train, trainCount), (MnistSplit.Test, testCount) })
            {
                LabeledImageSet source = MnistDataset.LoadSplit(sourceFolder, split);
                if (count < 0 || count > source.Count)
                    throw new ArgumentOutOfRangeException(split == MnistSplit.Train ? nameof(trainCount)
                        : nameof(testCount), count, $"The {split} split of '{sourceFolder}' has {source.Count} " +
                        $"images; expected a count in [0, {source.Count}].");
                LabeledImageSet subset = source.Take(count);
                var (imagesName, labelsName) = MnistFiles.Names(split);
                IdxWriter.Write(Path.Combine(destinationFolder, imagesName + MnistFiles.GzipSuffix),
                    subset.ImagesAsIdx());
                IdxWriter.Write(Path.Combine(destinationFolder, labelsName + MnistFiles.GzipSuffix),
                    subset.LabelsAsIdx());
            }
            Sha256Sums.Write(destinationFolder, MnistFiles.All.Select(n => n + MnistFiles.GzipSuffix));
        }
    }
}
