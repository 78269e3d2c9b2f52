using System;
using Microsoft.ML.SpatialTransformer.Functional;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// A 2-D convolution (square kernel, stride 1, zero padding) like nn.Conv2d, with the same parameters and
    /// initialisation, that computes through <see cref="CpuConvolution"/> so it uses the kernels the load-time check
    /// found right on this CPU. Saved weights are interchangeable with nn.Conv2d's ("weight", "bias").
    /// </summary>
    internal sealed class CheckedConv2d : nn.Module<Tensor, Tensor>
    {
#pragma warning disable IDE1006 // torch's parameter names, which state dicts and saved models use
        private readonly Parameter weight;
        private readonly Parameter bias;
#pragma warning restore IDE1006

        public CheckedConv2d(long inChannels, long outChannels, long kernelSize, long padding = 0) : base("Conv2d")
        {
            ShapeInference.CheckPositive(inChannels, nameof(inChannels));
            ShapeInference.CheckPositive(outChannels, nameof(outChannels));
            ShapeInference.CheckPositive(kernelSize, nameof(kernelSize));
            if (padding < 0) throw new ArgumentException($"padding must not be negative; got {padding}.", nameof(padding));
            InChannels = inChannels;
            OutChannels = outChannels;
            KernelSize = kernelSize;
            Padding = padding;
            weight = new Parameter(empty(outChannels, inChannels, kernelSize, kernelSize)); // [O,C,k,k]
            bias = new Parameter(empty(outChannels));                                       // [O]
            ParameterInitialisation.Uniform(weight, bias, FanIn, generator: null);          // PyTorch's default, as nn.Conv2d
            RegisterComponents();
        }

        public long InChannels { get; }
        public long OutChannels { get; }
        public long KernelSize { get; }
        public long Padding { get; }

        /// <summary>Inputs per output value, C x k x k.</summary>
        public long FanIn => InChannels * KernelSize * KernelSize;

        /// <summary>[O,C,k,k].</summary>
        public Parameter Weight => weight;

        /// <summary>[O].</summary>
        public Parameter Bias => bias;

        /// <summary>x [N,C,H,W] -> [N,O,H + 2p - k + 1,W + 2p - k + 1].</summary>
        public override Tensor forward(Tensor x) => CpuConvolution.Conv2d(x, weight, bias, Padding);
    }
}
