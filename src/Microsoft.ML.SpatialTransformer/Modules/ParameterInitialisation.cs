using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Re-draws a network's random initial weights from a given generator, leaving regression heads at the identity.
    /// TorchSharp layers initialise themselves from torch's process-wide generator, which any other thread may draw
    /// from at the same time; a generator of our own makes a seeded fit independent of everything else in the process.
    /// </summary>
    internal static class ParameterInitialisation
    {
        /// <summary>
        /// Linear and convolution layers get PyTorch's defaults (kaiming_uniform with a = sqrt(5), which is U(-b, b)
        /// with b = 1/sqrt(fan_in), for weights and biases alike); batch norm and regression heads are deterministic
        /// already.
        /// </summary>
        public static void Reset(nn.Module network, Generator generator)
        {
            var heads = new HashSet<nn.Module>(network.modules().OfType<RegressionHead>()
                .Select(h => (nn.Module)h.Linear),
                ReferenceEqualityComparer.Instance);
            using var noGrad = no_grad();
            foreach (var module in network.modules())
            {
                if (heads.Contains(module)) continue;
                switch (module)
                {
                    case Linear linear:
                        Uniform(linear.weight, linear.bias, linear.weight.shape[1], generator);
                        break;
                    case Convolution conv:
                        long fanIn = conv.weight.numel() / conv.weight.shape[0]; // C/groups x k x k
                        Uniform(conv.weight, conv.bias, fanIn, generator);
                        break;
                }
            }
        }

        /// <summary>
        /// Points every <see cref="SeededDropout"/> of <paramref name="network"/> at <paramref name="generator"/>
        /// (null: torch's global one).
        /// </summary>
        public static void UseDropoutGenerator(nn.Module network, Generator generator)
        {
            foreach (var dropout in network.modules().OfType<SeededDropout>()) dropout.Generator = generator;
        }

        /// <summary>
        /// PyTorch's default for a layer: weight and bias ~ U(-b, b), b = 1/sqrt(fan_in); a null generator is torch's
        /// global one.
        /// </summary>
        public static void Uniform(Tensor weight, Tensor bias, long fanIn, Generator generator)
        {
            using var noGrad = no_grad();
            double bound = 1.0 / Math.Sqrt(fanIn);
            weight.uniform_(-bound, bound, generator);
            bias?.uniform_(-bound, bound, generator);
        }
    }
}
