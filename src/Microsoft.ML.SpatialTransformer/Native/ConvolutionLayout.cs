namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>How 2-D convolutions on the CPU are handed to libtorch.</summary>
    internal enum ConvolutionLayout
    {
        /// <summary>As they come (NCHW): oneDNN reorders them into its blocked layout.</summary>
        Standard,

        /// <summary>Channels-last strides (NHWC memory, NCHW shape), which oneDNN computes with other kernels than the
        /// blocked layout, without reordering.</summary>
        ChannelsLast,

        /// <summary>
        /// Channels-last, and a single input channel that needs a gradient gets a zero second channel: on some CPUs
        /// oneDNN's channels-last input gradient of a one-channel convolution is the one wrong result.
        /// </summary>
        ChannelsLastPaddedInput,
    }
}
