using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// A labelled image set read once from an IDataView into managed memory (epochs then shuffle indices, not cursors).
    /// Rows with a missing label (key 0) or a NaN/infinite pixel are skipped and counted, as ML.NET's trainers skip
    /// rows with missing values; if no row is left, training fails with a clear message.
    /// </summary>
    internal sealed class LabeledImages
    {
        private LabeledImages(float[] pixels, int[] labels, int featureSize, long skippedMissingLabel, long skippedBadPixels, float maxMagnitude)
        {
            MaxMagnitude = maxMagnitude;
            Pixels = pixels;
            Labels = labels;
            FeatureSize = featureSize;
            SkippedMissingLabel = skippedMissingLabel;
            SkippedBadPixels = skippedBadPixels;
        }

        /// <summary>Count * FeatureSize pixel values, row-major.</summary>
        public float[] Pixels { get; }
        /// <summary>0-based class index of each row.</summary>
        public int[] Labels { get; }
        public int FeatureSize { get; }
        public int Count => Labels.Length;
        public long SkippedMissingLabel { get; }
        public long SkippedBadPixels { get; }
        /// <summary>The largest absolute pixel value kept, for naming over-large inputs when the loss overflows.</summary>
        public float MaxMagnitude { get; }

        public static LabeledImages Read(IExceptionContext ectx, IDataView data, string featureColumn, string labelColumn,
            int featureSize, string dataName, CancellationToken cancellation = default, RowCallback onRow = null)
        {
            var features = data.Schema[featureColumn];
            var label = data.Schema[labelColumn];
            var pixels = new List<float>();
            var labels = new List<int>();
            long missingLabel = 0, badPixels = 0;
            float maxMagnitude = 0;
            // All rows go into one .NET array, which holds at most Array.MaxLength values.
            long maxRows = Array.MaxLength / Math.Max(1, featureSize);
            var buffer = new float[featureSize];
            using (var cursor = data.GetRowCursor(new[] { features, label }))
            {
                // Float vectors or ML.NET image columns alike (InputReader checks the size and names the column).
                var readFeatures = InputReader.Create(ectx, cursor, features);
                var getLabel = cursor.GetGetter<uint>(label);
                uint key = 0;
                while (cursor.MoveNext())
                {
                    cancellation.ThrowIfCancellationRequested();
                    getLabel(ref key);
                    if (key == 0) { missingLabel++; continue; }
                    readFeatures(buffer);
                    float magnitude = MaxAbs(buffer);
                    if (!float.IsFinite(magnitude)) { badPixels++; continue; }
                    if (labels.Count >= maxRows)
                        throw ectx.Except($"The {dataName} has more than {maxRows} usable rows of {featureSize} values in '{featureColumn}'; " +
                            $"training holds them in one array of at most {Array.MaxLength} values. Train on fewer rows or smaller images.");
                    maxMagnitude = Math.Max(maxMagnitude, magnitude);
                    pixels.AddRange(buffer);
                    labels.Add((int)key - 1);
                    onRow?.Invoke(buffer);
                }
            }
            if (labels.Count == 0)
                throw ectx.Except($"The {dataName} has no usable row: {missingLabel} row(s) have a missing label and {badPixels} a NaN or infinite value in '{featureColumn}'.");
            return new LabeledImages(pixels.ToArray(), labels.ToArray(), featureSize, missingLabel, badPixels, maxMagnitude);
        }

        // The largest |v|; NaN or infinity if any value is not finite (Math.Max propagates NaN).
        private static float MaxAbs(float[] values)
        {
            float max = 0;
            foreach (float v in values)
                max = Math.Max(max, Math.Abs(v));
            return max;
        }
    }
}
