using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>One batch's pixels and labels in arrays reused from batch to batch (only the first <see cref="Count"/>
    /// rows are valid).</summary>
    internal sealed class BatchBuffer
    {
        // Sized once for the largest batch: a fresh array per batch lands on the large object heap and makes the GC run
        // full collections all through training.
        public BatchBuffer(int batchSize, int featureSize, int positions = 1)
        {
            FeatureSize = featureSize;
            Positions = positions;
            Pixels = new float[(long)batchSize * featureSize];
            Labels = new long[batchSize * positions];
        }

        public int FeatureSize { get; }
        /// <summary>Class indices per row (see <see cref="LabeledImages.Positions"/>).</summary>
        public int Positions { get; }
        public float[] Pixels { get; }
        public long[] Labels { get; }
        public int Count { get; set; }

        public Span<float> PixelSpan => Pixels.AsSpan(0, Count * FeatureSize);
        public Span<long> LabelSpan => Labels.AsSpan(0, Count * Positions);

        /// <summary>Fills the buffer with <paramref name="rows"/> of <paramref name="data"/>, in that order.</summary>
        public void Fill(LabeledImages data, ReadOnlySpan<int> rows)
        {
            Count = rows.Length;
            for (int i = 0; i < rows.Length; i++)
            {
                data.CopyPixels(rows[i], Pixels.AsSpan(i * FeatureSize, FeatureSize));
                data.CopyLabels(rows[i], Labels.AsSpan(i * Positions, Positions));
            }
        }
    }
}
