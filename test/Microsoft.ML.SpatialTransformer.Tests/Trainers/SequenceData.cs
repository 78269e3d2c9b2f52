using System;
using Microsoft.ML.Data;
using Stn.Datasets;
using Stn.Datasets.Data;
using Stn.Datasets.Mnist;
using Stn.Datasets.Sequences;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>Small digit-sequence sets from the shipped MNIST subset, and views with chosen labels.</summary>
    internal static class SequenceData
    {
        private static readonly Lazy<LabeledImageSet> s_digits =
            new Lazy<LabeledImageSet>(() => MnistDataset.LoadSplit(RepositoryPaths.MnistSubset(), MnistSplit.Train)
                .Take(2000));

        /// <summary>32 px canvases of 1-2 digits: small enough to train in seconds.</summary>
        public static DigitSequenceOptions Tiny { get; } = new DigitSequenceOptions { CanvasSize = 32, MaxLength = 2,
            DigitSize = 12 };

        /// <summary><paramref name="count"/> rows (Pixels, Label, Boxes) renamed to Features / Label.</summary>
        public static IDataView Rows(MLContext ml, int count, int seed, DigitSequenceOptions options = null)
        {
            var view = new DigitSequenceGenerator(s_digits.Value, options ?? Tiny, seed).ToDataView(ml, count);
            return ml.Transforms.CopyColumns("Features", DigitSequenceGenerator.Columns.Pixels).Fit(view)
                .Transform(view);
        }

        public sealed class Row
        {
            [VectorType(1, 32, 32)] public float[] Features { get; set; }
            public string Label { get; set; }
        }

        /// <summary>Blank 32 px images with the given labels.</summary>
        public static IDataView WithLabels(MLContext ml, params string[] labels) =>
            ml.Data.LoadFromEnumerable(Array.ConvertAll(labels,
                l => new Row { Features = new float[32 * 32], Label = l }));
    }
}
