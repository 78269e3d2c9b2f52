using System;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// N spatial transformers on one input, each with its own localisation network and its own output (the paper's
    /// CUB and MNIST-addition models: each attends to a different part). input [N,C,H,W] -> outputs[i] [N,C,H'_i,W'_i],
    /// thetas[i] [N,P_i].
    /// </summary>
    public sealed class SpatialTransformerParallel : nn.Module<Tensor, (Tensor[] Outputs, Tensor[] Thetas)>
    {
        private readonly TorchSharp.Modules.ModuleList<SpatialTransformerModule> transformers;

        /// <summary>Runs <paramref name="transformers"/> side by side on the same input.</summary>
        /// <param name="transformers">The spatial transformers, at least one; each keeps its own output size.</param>
        public SpatialTransformerParallel(params SpatialTransformerModule[] transformers)
            : base(nameof(SpatialTransformerParallel))
        {
            if (transformers is null || transformers.Length == 0)
                throw new ArgumentException("At least one spatial transformer is needed; got 0.", nameof(transformers));
            this.transformers = nn.ModuleList(transformers);
            RegisterComponents();
        }

        /// <summary>Number of spatial transformers.</summary>
        public int Count => transformers.Count;

        /// <summary>The spatial transformer at <paramref name="index"/>.</summary>
        public SpatialTransformerModule this[int index] => transformers[index];

        /// <summary>input [N,C,H,W] -> each transformer's output [N,C,H'_i,W'_i] and theta [N,P_i].</summary>
        public override (Tensor[] Outputs, Tensor[] Thetas) forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var results = transformers.Select(t => t.call(input)).ToArray();
            return (results.Select(r => r.Output.MoveToOuterDisposeScope()).ToArray(),
                    results.Select(r => r.Theta.MoveToOuterDisposeScope()).ToArray());
        }
    }
}
