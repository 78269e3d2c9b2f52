using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// Keeps an attention box inside the image while co-localisation trains: without it the triplet loss has two empty
    /// optima, a box off the image (every crop is padding, so all crops are alike) and a box larger than the image
    /// (every
    /// crop is the whole image shrunk). Mean over the batch of the squared excess of s over 1, of s + |tx| and s + |ty|
    /// over 1, and of <see cref="MinimumScale"/> over s; zero for any box inside the image.
    /// </summary>
    internal static class BoxPenalty
    {
        /// <summary>The smallest scale not penalised: a box 1/20 of the image's side.</summary>
        public const double MinimumScale = 0.05;

        /// <summary>Weight of the penalty against the triplet loss (whose margin is 1).</summary>
        public const double Weight = 10;

        /// <param name="theta">Attention thetas (s, tx, ty) [N,3].</param>
        /// <returns>The weighted penalty, a scalar.</returns>
        public static Tensor Compute(Tensor theta)
        {
            using var scope = NewDisposeScope();
            var scale = theta.narrow(1, 0, 1);                                     // [N,1]
            var shift = theta.narrow(1, 1, 2).abs();                               // [N,2]
            var outside = nn.functional.relu(scale + shift - 1).square().sum(1);  // [N]
            var tooLarge = nn.functional.relu(scale - 1).square().squeeze(1);      // [N]
            var tooSmall = nn.functional.relu(MinimumScale - scale).square().squeeze(1); // [N]
            return ((outside + tooLarge + tooSmall).mean() * Weight).MoveToOuterDisposeScope();
        }
    }
}
