using System;
using System.Collections.Generic;
using System.IO;

namespace Stn.Datasets.Mnist
{
    /// <summary>
    /// The four standard MNIST file names (also used by Fashion-MNIST) and how a folder's copy of each is found.
    /// </summary>
    public static class MnistFiles
    {
        /// <summary>Training images, uncompressed name.</summary>
        public const string TrainImages = "train-images-idx3-ubyte";
        /// <summary>Training labels, uncompressed name.</summary>
        public const string TrainLabels = "train-labels-idx1-ubyte";
        /// <summary>Test images, uncompressed name.</summary>
        public const string TestImages = "t10k-images-idx3-ubyte";
        /// <summary>Test labels, uncompressed name.</summary>
        public const string TestLabels = "t10k-labels-idx1-ubyte";

        /// <summary>The suffix of the gzip-compressed files.</summary>
        public const string GzipSuffix = ".gz";

        /// <summary>The four uncompressed names, training first.</summary>
        public static IReadOnlyList<string> All { get; } = new[] { TrainImages, TrainLabels, TestImages, TestLabels };

        /// <summary>Uncompressed names of the image and label files of <paramref name="split"/>.</summary>
        public static (string Images, string Labels) Names(MnistSplit split) => split switch
        {
            MnistSplit.Train => (TrainImages, TrainLabels),
            MnistSplit.Test => (TestImages, TestLabels),
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "split must be Train or Test."),
        };

        /// <summary>
        /// The path of <paramref name="name"/> in <paramref name="folder"/>: the uncompressed file if present (faster
        /// to read), else the ".gz" one. Throws <see cref="FileNotFoundException"/> naming the folder and both names
        /// tried.
        /// </summary>
        public static string Find(string folder, string name)
        {
            if (folder is null) throw new ArgumentNullException(nameof(folder));
            string raw = Path.Combine(folder, name);
            if (File.Exists(raw)) return raw;
            string gzip = raw + GzipSuffix;
            if (File.Exists(gzip)) return gzip;
            throw new FileNotFoundException(
                $"MNIST folder '{folder}' has no '{name}': expected '{name}' or '{name}{GzipSuffix}', found neither.",
                gzip);
        }
    }
}
