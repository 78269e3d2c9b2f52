using System;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// Computes float-vector output columns for a batch of rows from float-vector input columns.
    /// inputs[c] holds rows * InputSizes[c] values of input column c; outputs[o] receives rows * OutputSizes[o] values.
    /// </summary>
    internal delegate void BatchMapFunction(float[][] inputs, int rows, long firstRow, float[][] outputs);

    /// <summary>What <see cref="BatchedMapDataView"/> needs to know of a model that maps whole batches.</summary>
    internal sealed record BatchedVectorMap(
        int[] InputColumns, int[] InputSizes, int[] OutputSizes, int BatchSize, BatchMapFunction Map)
    {
        public void Validate()
        {
            if (InputColumns.Length != InputSizes.Length) throw new ArgumentException("one size per input column is needed");
            if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be positive");
        }
    }
}
