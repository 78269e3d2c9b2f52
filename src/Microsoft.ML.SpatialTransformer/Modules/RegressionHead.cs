using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// The last layer of a localisation network: a linear regression to theta that starts at the identity transform
    /// (zero weights, bias = identity parameters), so training starts from "no warp", as the paper prescribes.
    /// </summary>
    public sealed class RegressionHead : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear linear;

        /// <summary>
        /// A linear layer from <paramref name="inputSize"/> features to theta, starting at the identity.
        /// </summary>
        /// <param name="inputSize">Features per sample entering the head.</param>
        /// <param name="identityParameters">The identity theta [P]: the initial bias.</param>
        public RegressionHead(long inputSize, float[] identityParameters) : base(nameof(RegressionHead))
        {
            ShapeInference.CheckPositive(inputSize, nameof(inputSize));
            if (identityParameters is null || identityParameters.Length == 0)
                throw new ArgumentException("identityParameters must hold at least one value.",
                    nameof(identityParameters));
            linear = nn.Linear(inputSize, identityParameters.Length);
            using (no_grad())
            {
                linear.weight.zero_();
                linear.bias.copy_(tensor(identityParameters));
            }
            RegisterComponents();
        }

        internal TorchSharp.Modules.Linear Linear => linear;

        /// <summary>features [N,F] -> theta [N,P].</summary>
        public override Tensor forward(Tensor features) => linear.call(features); // [N,P]
    }
}
