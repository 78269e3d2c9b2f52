using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>One batch's pixels and labels in arrays reused from batch to batch (only the first <see cref="Count"/> rows are valid).</summary>
    internal sealed class BatchBuffer
    {
        // Sized once for the largest batch: a fresh array per batch lands on the large object heap and makes the GC run
        // full collections all through training.
        public BatchBuffer(int batchSize, int featureSize)
        {
            FeatureSize = featureSize;
            Pixels = new float[(long)batchSize * featureSize];
            Labels = new long[batchSize];
        }

        public int FeatureSize { get; }
        public float[] Pixels { get; }
        public long[] Labels { get; }
        public int Count { get; set; }

        public Span<float> PixelSpan => Pixels.AsSpan(0, Count * FeatureSize);
        public Span<long> LabelSpan => Labels.AsSpan(0, Count);

        /// <summary>Fills the buffer with <paramref name="rows"/> of <paramref name="data"/>, in that order.</summary>
        public void Fill(LabeledImages data, ReadOnlySpan<int> rows)
        {
            Count = rows.Length;
            for (int i = 0; i < rows.Length; i++)
            {
                data.CopyPixels(rows[i], Pixels.AsSpan(i * FeatureSize, FeatureSize));
                Labels[i] = data.Label(rows[i]);
            }
        }
    }
}
