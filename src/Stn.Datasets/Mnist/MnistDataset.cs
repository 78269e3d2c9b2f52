using System;
using Stn.Datasets.Data;
using Stn.Datasets.Idx;

namespace Stn.Datasets.Mnist
{
    /// <summary>
    /// MNIST (or any data set in its four-file IDX layout, such as Fashion-MNIST) read from a folder holding the
    /// standard file names, each raw or gzip-compressed. See <see cref="RepositoryPaths"/> for the shipped subset and
    /// the full copy on team machines, and <see cref="Download.MnistDownloader"/> to fetch it.
    /// </summary>
    public sealed class MnistDataset
    {
        private MnistDataset(string folder, LabeledImageSet train, LabeledImageSet test)
        {
            Folder = folder;
            Train = train;
            Test = test;
        }

        /// <summary>The folder read.</summary>
        public string Folder { get; }

        /// <summary>The training split.</summary>
        public LabeledImageSet Train { get; }

        /// <summary>The test split.</summary>
        public LabeledImageSet Test { get; }

        /// <summary>Reads both splits from <paramref name="folder"/>.</summary>
        public static MnistDataset Load(string folder) =>
            new MnistDataset(folder, LoadSplit(folder, MnistSplit.Train), LoadSplit(folder, MnistSplit.Test));

        /// <summary>
        /// Reads one split from <paramref name="folder"/>, checking that images and labels agree in count.
        /// </summary>
        public static LabeledImageSet LoadSplit(string folder, MnistSplit split)
        {
            if (folder is null) throw new ArgumentNullException(nameof(folder));
            var (imagesName, labelsName) = MnistFiles.Names(split);
            string imagesPath = MnistFiles.Find(folder, imagesName);
            string labelsPath = MnistFiles.Find(folder, labelsName);
            return LabeledImageSet.FromIdx(IdxReader.ReadImages(imagesPath), imagesPath,
                IdxReader.ReadLabels(labelsPath), labelsPath);
        }
    }
}
