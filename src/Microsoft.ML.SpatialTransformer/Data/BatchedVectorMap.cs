using System;
using System.Linq;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// Computes float-vector output columns for a batch of rows from float-vector input columns.
    /// inputs[c] holds rows * InputSizes[c] values of input column c; outputs[o] receives rows * OutputSizes[o] values.
    /// </summary>
    internal delegate void BatchMapFunction(float[][] inputs, int rows, long firstRow, float[][] outputs);

    /// <summary>The text of one row of an output column, read from that row's values.</summary>
    internal delegate string TextDecoder(ReadOnlySpan<float> values);

    /// <summary>What <see cref="BatchedMapDataView"/> needs to know of a model that maps whole batches.</summary>
    internal sealed record BatchedVectorMap(
        int[] InputColumns, int[] InputSizes, int[] OutputSizes, int BatchSize, BatchMapFunction Map)
    {
        /// <summary>
        /// Values one batch buffer may hold (64 MB of floats): a batch of many large rows is cut to this, so BatchSize
        /// bounds the rows per call, never the memory (256 rows of a 4096 x 4096 output would be 17 GB and overflow
        /// int). Far above what throughput needs: a native call over 16 M values costs much more than the call itself.
        /// </summary>
        public const int MaxBufferValues = 1 << 24;

        /// <summary>
        /// Whether every call gets whole batch buffers of <see cref="EffectiveBatchSize"/> rows whatever the source's
        /// row count, so a map that pads a partial batch runs every native call at one shape (a row's result then does
        /// not depend on how many rows shared its call). The rows past those filled are left for the map to overwrite.
        /// </summary>
        public bool FixedBatchShape { get; init; }

        /// <summary>
        /// For an added Text column, the function that reads its text from the row's OutputSizes[o] values of output
        /// o (null entries and a null array: no text columns).
        /// </summary>
        public TextDecoder[] TextDecoders { get; init; }

        public void Validate()
        {
            if (InputColumns.Length != InputSizes.Length)
                throw new ArgumentException("one size per input column is needed");
            if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be positive");
        }

        /// <summary>
        /// Rows per native call: <see cref="BatchSize"/>, at most what a buffer of <see cref="MaxBufferValues"/> holds
        /// of the largest row (at least one row) and, unless <see cref="FixedBatchShape"/>, at most
        /// <paramref name="rowCount"/> where the source knows it.
        /// </summary>
        public int EffectiveBatchSize(long? rowCount)
        {
            long largest = Math.Max(1, InputSizes.Concat(OutputSizes).DefaultIfEmpty(1).Max());
            long rows = Math.Min(BatchSize, Math.Max(1, MaxBufferValues / largest));
            if (rowCount is long known && !FixedBatchShape) rows = Math.Min(rows, Math.Max(1, known));
            return (int)rows;
        }
    }
}
