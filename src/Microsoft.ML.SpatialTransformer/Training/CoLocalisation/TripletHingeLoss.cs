using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The paper's co-localisation loss: mean over n of max(0, ||e_n - e_m||^2 - ||e_n - e_r||^2 + margin), where e_m
    /// embeds the crop of another image of the class and e_r a random crop of image n.
    /// </summary>
    internal static class TripletHingeLoss
    {
        /// <summary>The paper's margin.</summary>
        public const double Margin = 1.0;

        /// <param name="anchor">e(crop of image n) [N,D].</param>
        /// <param name="positive">e(crop of image m) [N,D].</param>
        /// <param name="negative">e(random crop of image n) [N,D].</param>
        /// <returns>The mean loss, a scalar.</returns>
        public static Tensor Compute(Tensor anchor, Tensor positive, Tensor negative)
        {
            using var scope = NewDisposeScope();
            var toPositive = (anchor - positive).square().sum(1);   // [N]
            var toNegative = (anchor - negative).square().sum(1);   // [N]
            return nn.functional.relu(toPositive - toNegative + Margin).mean().MoveToOuterDisposeScope();
        }
    }
}
