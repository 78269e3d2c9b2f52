using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>The order rows are visited in an epoch: a Fisher-Yates shuffle drawn from the fit's own seeded
    /// Random, so the order depends on the seed alone.</summary>
    internal static class RowOrder
    {
        /// <summary>Shuffles <paramref name="order"/> in place.</summary>
        public static void Shuffle(int[] order, Random random)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
    }
}
