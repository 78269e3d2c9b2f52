using System;
using System.Collections.Generic;
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
        private LabeledImages(float[] pixels, int[] labels, int featureSize, long skippedMissingLabel, long skippedBadPixels)
        {
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

        public static LabeledImages Read(IExceptionContext ectx, IDataView data, string featureColumn, string labelColumn,
            int featureSize, string dataName)
        {
            var features = data.Schema[featureColumn];
            var label = data.Schema[labelColumn];
            var pixels = new List<float>();
            var labels = new List<int>();
            long missingLabel = 0, badPixels = 0;
            var buffer = new float[featureSize];
            using (var cursor = data.GetRowCursor(new[] { features, label }))
            {
                // Float vectors or ML.NET image columns alike (InputReader checks the size and names the column).
                var readFeatures = InputReader.Create(ectx, cursor, features);
                var getLabel = cursor.GetGetter<uint>(label);
                uint key = 0;
                while (cursor.MoveNext())
                {
                    getLabel(ref key);
                    if (key == 0) { missingLabel++; continue; }
                    readFeatures(buffer);
                    if (!AllFinite(buffer)) { badPixels++; continue; }
                    pixels.AddRange(buffer);
                    labels.Add((int)key - 1);
                }
            }
            if (labels.Count == 0)
                throw ectx.Except($"The {dataName} has no usable row: {missingLabel} row(s) have a missing label and {badPixels} a NaN or infinite value in '{featureColumn}'.");
            return new LabeledImages(pixels.ToArray(), labels.ToArray(), featureSize, missingLabel, badPixels);
        }

        private static bool AllFinite(float[] values)
        {
            foreach (float v in values)
                if (!float.IsFinite(v)) return false;
            return true;
        }
    }
}
