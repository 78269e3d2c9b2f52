namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>How 2-D convolutions on the CPU are handed to libtorch.</summary>
    internal enum ConvolutionLayout
    {
        /// <summary>As they come (NCHW): oneDNN reorders them into its blocked layout.</summary>
        Standard,

        /// <summary>
        /// Channels-last strides (NHWC memory, NCHW shape), which oneDNN computes with other kernels than the blocked
        /// layout; a single input channel that needs a gradient gets a zero second channel.
        /// </summary>
        ChannelsLast,
    }
}
