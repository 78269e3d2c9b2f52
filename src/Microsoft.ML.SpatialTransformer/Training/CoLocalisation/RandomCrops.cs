using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The negatives of the triplet loss: for each image an attention theta with the scale the transform chose for it
    /// and a uniformly random centre that keeps the box inside the image. Same scale, so that cropping everything (the
    /// identity) cannot beat them: only a box on something the random boxes mostly miss does.
    /// </summary>
    internal static class RandomCrops
    {
        /// <param name="theta">The regressed attention thetas (s, tx, ty) [N,3]; read, not differentiated.</param>
        /// <param name="generator">The fit's own generator, so the crops are seeded.</param>
        /// <returns>Thetas [N,3] of random boxes.</returns>
        public static Tensor Thetas(Tensor theta, Generator generator)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var scale = theta.narrow(1, 0, 1).abs();                                                       // [N,1]
            var room = (1 - scale).clamp_min(0);                                                          // [N,1]
            var unit = rand(new long[] { theta.shape[0], 2 }, generator: generator, device: theta.device); // [N,2]
            var centre = (unit * 2 - 1) * room;                                                           // [N,2]
            return cat(new[] { scale, centre }, 1).MoveToOuterDisposeScope();                             // [N,3]
        }
    }
}
