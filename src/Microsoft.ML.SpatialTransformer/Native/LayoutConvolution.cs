using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// A 2-D convolution handed to libtorch in a given <see cref="ConvolutionLayout"/>. On some CPUs oneDNN's
    /// blocked-layout kernels return wrong values or NaN when a channel count is not a multiple of 16, while its
    /// channels-last kernels, at the same instruction set, are right except for the input gradient of a one-channel
    /// convolution; <see cref="ConvolutionCheck"/> finds out which layout is right here.
    /// </summary>
    internal static class LayoutConvolution
    {
        /// <summary>
        /// x [N,C,H,W], weight [O,C,k,k], bias [O] or null -> [N,O,H',W'] (stride 1, zero padding on each side).
        /// </summary>
        public static Tensor Conv2d(Tensor x, Tensor weight, Tensor bias, long padding, ConvolutionLayout layout)
        {
            var pad = new[] { padding, padding };
            if (layout == ConvolutionLayout.Standard) return nn.functional.conv2d(x, weight, bias, padding: pad);
            using var scope = NewDisposeScope();
            if (layout == ConvolutionLayout.ChannelsLastPaddedInput && x.shape[1] == 1 && x.requires_grad)
            {
                // oneDNN's input gradient of a one-channel convolution is the faulty case; a zero channel beside it
                // changes neither the output nor the gradients and routes the convolution to the kernels that are
                // right.
                x = cat(new[] { x, zeros_like(x) }, 1);                   // [N,2,H,W]
                weight = cat(new[] { weight, zeros_like(weight) }, 1);    // [O,2,k,k]
            }
            var channelsLast = IsChannelsLast(x) ? x : ToChannelsLast(x); // [N,C,H,W], NHWC in memory
            return nn.functional.conv2d(channelsLast, weight, bias, padding: pad).MoveToOuterDisposeScope();
        }

        // A previous channels-last convolution's output (through pooling and ReLU, which keep the layout) needs no
        // copy.
        private static bool IsChannelsLast(Tensor x)
        {
            var shape = x.shape;
            var strides = x.stride();
            return shape[1] > 1 && strides[1] == 1 && strides[3] == shape[1] && strides[2] == shape[3] * shape[1];
        }

        private static Tensor ToChannelsLast(Tensor x)
        {
            var shape = x.shape;
            var nhwc = x.permute(0, 2, 3, 1).contiguous(); // [N,H,W,C]
            // One channel: NHWC and NCHW are the same memory and torch reads it as NCHW unless the strides say
            // channels-last explicitly (a view, no copy); then the pooling after it takes its fast channels-last path
            // too.
            return shape[1] == 1
                ? nhwc.as_strided(shape, new[] { shape[2] * shape[3], 1, shape[3], 1 }, nhwc.storage_offset())
                : nhwc.permute(0, 3, 1, 2);
        }
    }
}
