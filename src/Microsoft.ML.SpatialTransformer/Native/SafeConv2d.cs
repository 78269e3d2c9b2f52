using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// The 2-D convolution of the library's networks (square kernel, stride 1, zero padding): a TorchSharp
    /// <see cref="Convolution"/> with nn.Conv2d's parameters ("weight" [O,C,k,k], "bias" [O]) and initialisation, whose
    /// CPU work runs in the layout <see cref="ConvolutionCheck"/> found right on this machine
    /// (<see cref="TorchNativeLibrary"/>): with gradients (training) its training layout, without (scoring) its scoring
    /// layout. TorchSharp's own Conv2d cannot be told the layout: it is sealed and computes in native code.
    /// </summary>
    internal sealed class SafeConv2d : Convolution
    {
        /// <param name="inChannels">Input channels C, positive.</param>
        /// <param name="outChannels">Output channels O, positive.</param>
        /// <param name="kernelSize">Kernel side k, positive.</param>
        /// <param name="padding">Zeros added on each side of both spatial axes, 0 or more.</param>
        public SafeConv2d(long inChannels, long outChannels, long kernelSize, long padding = 0)
            : base("Conv2d", Positive(inChannels, nameof(inChannels)), Positive(outChannels, nameof(outChannels)),
                Square(Positive(kernelSize, nameof(kernelSize))), stride: new[] { 1L, 1L },
                padding: Square(NotNegative(padding)), padding_type: null, dilation: new[] { 1L, 1L },
                transposed: false, output_padding: new[] { 0L, 0L }, groups: 1, bias: true,
                padding_mode: PaddingModes.Zeros)
        {
        }

        /// <summary>x [N,C,H,W] -> [N,O,H + 2p - k + 1,W + 2p - k + 1].</summary>
        public override Tensor forward(Tensor x)
        {
            var layout = x.device_type != DeviceType.CPU ? ConvolutionLayout.Standard
                : is_grad_enabled() ? TorchNativeLibrary.TrainingConvolutionLayout
                : TorchNativeLibrary.ScoringConvolutionLayout;
            return LayoutConvolution.Conv2d(x, weight, bias, padding[0], layout);
        }

        private static long[] Square(long side) => new[] { side, side };

        private static long Positive(long value, string name) =>
            value > 0 ? value : throw new ArgumentException($"{name} must be positive; got {value}.", name);

        private static long NotNegative(long padding) => padding >= 0 ? padding
            : throw new ArgumentException($"padding must not be negative; got {padding}.", nameof(padding));
    }
}
