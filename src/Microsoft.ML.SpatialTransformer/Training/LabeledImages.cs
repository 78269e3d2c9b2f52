using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// A labelled image set read once from an IDataView into a <see cref="RowStore"/> (memory up to a budget, then a
    /// temporary file), so epochs shuffle indices, not cursors. Rows with a missing label (key 0) or a NaN/infinite
    /// pixel are skipped and counted, as ML.NET's trainers skip rows with missing values; if no row is left, training
    /// fails with a clear message. Dispose deletes the temporary file.
    /// </summary>
    internal sealed class LabeledImages : IDisposable
    {
        private readonly RowStore _rows;
        private readonly int[] _labels;

        private LabeledImages(RowStore rows, int[] labels, int positions, long skippedMissingLabel,
            long skippedBadPixels,
            float maxMagnitude)
        {
            _rows = rows;
            _labels = labels;
            Positions = positions;
            MaxMagnitude = maxMagnitude;
            SkippedMissingLabel = skippedMissingLabel;
            SkippedBadPixels = skippedBadPixels;
        }

        public int FeatureSize => _rows.RowSize;
        public int Count => _labels.Length / Positions;
        /// <summary>Class indices per row: 1 for a classifier, the sequence length for sequence labels.</summary>
        public int Positions { get; }
        public long SkippedMissingLabel { get; }
        public long SkippedBadPixels { get; }
        /// <summary>
        /// The largest absolute pixel value kept, for naming over-large inputs when the loss overflows.
        /// </summary>
        public float MaxMagnitude { get; }
        /// <summary>Where the rows are: in memory, on disk, or both.</summary>
        public RowStore Store => _rows;

        /// <summary>0-based class index of row <paramref name="row"/> (its first position's).</summary>
        public int Label(int row) => _labels[row * Positions];

        /// <summary>Copies the <see cref="Positions"/> class indices of row <paramref name="row"/>.</summary>
        public void CopyLabels(int row, Span<long> destination)
        {
            for (int p = 0; p < Positions; p++) destination[p] = _labels[row * Positions + p];
        }

        /// <summary>
        /// The 0-based class indices of every row, in reading order (<see cref="Positions"/> per row).
        /// </summary>
        public ReadOnlySpan<int> Labels => _labels;

        /// <summary>Copies the pixels of row <paramref name="row"/> (thread-safe).</summary>
        public void CopyPixels(int row, Span<float> destination) => _rows.CopyRow(row, destination);

        /// <summary>
        /// Reads every usable row of <paramref name="data"/> once, into memory up to <paramref name="storage"/>'s
        /// budget and the rest into its temporary file.
        /// </summary>
        /// <param name="ectx">For errors in ML.NET's wording.</param>
        /// <param name="data">The rows.</param>
        /// <param name="featureColumn">The image column (float vector or ML.NET image).</param>
        /// <param name="labelColumn">The label column (a key column unless <paramref name="labelFormat"/> says
        /// otherwise).</param>
        /// <param name="featureSize">Values per image.</param>
        /// <param name="dataName">What the data is, in messages ("training data").</param>
        /// <param name="storage">Memory budget and temporary folder; null: everything in memory.</param>
        /// <param name="cancellation">Checked before every row.</param>
        /// <param name="onRow">Called with the pixels of every row kept (not with skipped rows), in reading
        /// order.</param>
        /// <param name="labelFormat">How the label column becomes class indices; null: <see
        /// cref="LabelFormat.Key"/>.</param>
        public static LabeledImages Read(IExceptionContext ectx, IDataView data, string featureColumn,
            string labelColumn,
            int featureSize, string dataName, TrainingDataStorage storage, CancellationToken cancellation = default,
            RowCallback onRow = null, LabelFormat labelFormat = null)
        {
            storage ??= TrainingDataStorage.InMemory;
            labelFormat ??= LabelFormat.Key;
            int positions = labelFormat.Positions;
            var features = data.Schema[featureColumn];
            var label = data.Schema[labelColumn];
            var store = new RowStore(featureSize, storage.MemoryBudgetBytes, storage.Directory);
            try
            {
                // Labels stay in one list: 4 bytes a row against the row's pixels, so never the large part.
                var labels = new List<int>();
                long missingLabel = 0, badPixels = 0;
                float maxMagnitude = 0;
                var buffer = new float[featureSize];
                using (var cursor = data.GetRowCursor(new[] { features, label }))
                {
                    // Float vectors or ML.NET image columns alike (InputReader checks the size and names the column).
                    var readFeatures = InputReader.Create(ectx, cursor, features);
                    var readLabel = labelFormat.CreateReader(ectx, cursor, label);
                    var classes = new int[positions];
                    while (cursor.MoveNext())
                    {
                        cancellation.ThrowIfCancellationRequested();
                        if (!readLabel(classes)) { missingLabel++; continue; }
                        readFeatures(buffer);
                        float magnitude = MaxAbs(buffer);
                        if (!float.IsFinite(magnitude)) { badPixels++; continue; }
                        // Batches and the shuffled order index rows with an int.
                        if (labels.Count / positions == Array.MaxLength / positions)
                            throw ectx.Except($"The {dataName} has more than {Array.MaxLength} usable " +
                                "rows; train on fewer rows.");
                        maxMagnitude = Math.Max(maxMagnitude, magnitude);
                        store.Add(buffer);
                        labels.AddRange(classes);
                        onRow?.Invoke(buffer);
                    }
                }
                if (labels.Count == 0)
                    throw ectx.Except($"The {dataName} has no usable row: {missingLabel} row(s) have a missing label " +
                        $"and {badPixels} a NaN or infinite value in '{featureColumn}'.");
                store.Seal();
                return new LabeledImages(store, labels.ToArray(), positions, missingLabel, badPixels, maxMagnitude);
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }

        /// <summary>Where the rows went, for the training log.</summary>
        public string Describe(string dataName)
        {
            string size = $"{Count} rows of {FeatureSize} values, " + (_rows.BytesPerValue == 1
                ? "held as bytes since every value is a whole number 0-255"
                : "held as float32");
            if (_rows.FileRows == 0)
                return $"The {dataName} ({size}, {Megabytes(_rows.MemoryBytes)}) is held in memory.";
            return $"The {dataName} ({size}) is held {Megabytes(_rows.MemoryBytes)} in memory " +
                   $"({_rows.MemoryRows} rows) and " +
                   $"{Megabytes(_rows.FileBytes)} in the temporary file '{_rows.FilePath}' " +
                   $"({_rows.FileRows} rows; on Linux " +
                   "and macOS unlinked at once, so it is not listed while open), deleted when training ends.";
        }

        private static string Megabytes(long bytes) => $"{bytes / 1048576.0:F1} MB";

        public void Dispose() => _rows.Dispose();

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
