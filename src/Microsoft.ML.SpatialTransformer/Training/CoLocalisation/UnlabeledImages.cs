using System;
using System.Threading;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The images of a co-localisation fit, read once into a <see cref="RowStore"/> (memory up to a budget, then a
    /// temporary file): no label is read. Rows with a NaN or infinite pixel are skipped and counted.
    /// </summary>
    internal static class UnlabeledImages
    {
        /// <summary>Reads every usable row of <paramref name="data"/>'s <paramref name="imageColumn"/>.</summary>
        /// <param name="ectx">For errors in ML.NET's wording.</param>
        /// <param name="data">The rows.</param>
        /// <param name="imageColumn">The image column (float vector or ML.NET image).</param>
        /// <param name="featureSize">Values per image.</param>
        /// <param name="storage">Memory budget and temporary folder; null: everything in memory.</param>
        /// <param name="cancellation">Checked before every row.</param>
        /// <param name="onRow">Called with the pixels of every row kept, in reading order.</param>
        public static (RowStore Rows, long SkippedBadPixels) Read(IExceptionContext ectx, IDataView data,
            string imageColumn,
            int featureSize, TrainingDataStorage storage, CancellationToken cancellation, RowCallback onRow)
        {
            storage ??= TrainingDataStorage.InMemory;
            var column = data.Schema[imageColumn];
            var store = new RowStore(featureSize, storage.MemoryBudgetBytes, storage.Directory);
            try
            {
                long skipped = 0;
                var buffer = new float[featureSize];
                using (var cursor = data.GetRowCursor(new[] { column }))
                {
                    var read = InputReader.Create(ectx, cursor, column);
                    while (cursor.MoveNext())
                    {
                        cancellation.ThrowIfCancellationRequested();
                        read(buffer);
                        if (!AllFinite(buffer)) { skipped++; continue; }
                        if (store.Count == Array.MaxLength)
                            throw ectx.Except($"The training data has more than {Array.MaxLength} usable " +
                                "rows; train on fewer rows.");
                        store.Add(buffer);
                        onRow?.Invoke(buffer);
                    }
                }
                if (store.Count < 2)
                    throw ectx.Except("Co-localisation needs at least 2 usable images in " +
                                      $"'{imageColumn}'; got {store.Count} " +
                                      $"({skipped} row(s) skipped for a NaN or infinite value).");
                store.Seal();
                return (store, skipped);
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }

        private static bool AllFinite(float[] values)
        {
            foreach (float v in values)
                if (!float.IsFinite(v)) return false;
            return true;
        }
    }
}
