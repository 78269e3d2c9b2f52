using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The embedding e() of the triplet loss: a crop [N,C,h,w] average-pooled to about 7x7 cells (so crops a few pixels
    /// apart stay close), flattened and divided by sqrt(|v|^2 + tau^2), tau ten times the mean length over the crops
    /// compared. So the loss does not depend on the pixel scale, and a crop's ink still counts: normalising every crop
    /// to length 1 let crops of background, all alike, win the triplet loss among clutter (the co-localisation
    /// experiment found far fewer boxes among clutter with tau at the mean length). Fixed: no weights, so it cannot
    /// collapse.
    /// </summary>
    internal static class CropEmbedding
    {
        /// <summary>Cells per side of the pooled crop (fewer for crops smaller than this).</summary>
        public const int Cells = 7;

        /// <summary>Side of the pooling window for crops of <paramref name="height"/> x <paramref name="width"/>.
        /// </summary>
        public static int PoolSide(long height, long width) => (int)Math.Max(1, Math.Min(height, width) / Cells);

        /// <summary>crops [N,C,h,w] -> pooled vectors [N,D] (before normalisation).</summary>
        public static Tensor Pool(Tensor crops)
        {
            using var scope = NewDisposeScope();
            int side = PoolSide(crops.shape[2], crops.shape[3]);
            var pooled = nn.functional.avg_pool2d(crops, side, side); // [N,C,h/k,w/k]
            return pooled.flatten(1).MoveToOuterDisposeScope();       // [N,D]
        }

        /// <summary>The normalisation's floor tau over the mean length of the candidates' pooled vectors.</summary>
        public const double FloorFactor = 10;

        /// <summary>The normalisation's floor tau: <see cref="FloorFactor"/> times the mean length of <paramref
        /// name="pooled"/> [N,D].</summary>
        public static double Floor(Tensor pooled)
        {
            using var scope = NewDisposeScope();
                        return Math.Max(1e-6, FloorFactor * pooled.norm(1).mean().item<float>());
        }

        /// <summary>pooled [N,D] -> embeddings [N,D] of length below 1.</summary>
        public static Tensor Normalise(Tensor pooled, double floor)
        {
            using var scope = NewDisposeScope();
            var length = (pooled.square().sum(1, keepdim: true) + floor * floor).sqrt(); // [N,1]
            return (pooled / length).MoveToOuterDisposeScope();                          // [N,D]
        }

        /// <summary>crops [N,C,h,w] -> embeddings [N,D].</summary>
        public static Tensor Embed(Tensor crops, double floor)
        {
            using var scope = NewDisposeScope();
            return Normalise(Pool(crops), floor).MoveToOuterDisposeScope();
        }
    }
}
