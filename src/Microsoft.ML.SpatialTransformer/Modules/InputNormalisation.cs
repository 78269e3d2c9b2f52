using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// input [N,C,H,W] -> (input - mean[c]) / std[c] per channel. Mean and std are buffers, not parameters: the
    /// optimizer leaves them alone and they travel in the saved weights (state_dict) like batch norm's running
    /// statistics. A fresh module is the identity (mean 0, std 1) until <see cref="SetStatistics"/>.
    /// </summary>
    public sealed class InputNormalisation : nn.Module<Tensor, Tensor>
    {
        /// <summary>
        /// The smallest divisor: a channel that is constant in the training data (std 0) is only centred, never divided
        /// by zero, so it gives 0 there instead of NaN or infinity.
        /// </summary>
        public const float MinimumStd = 1e-6f;

        // Buffers are looked up by name, not held in fields: Module.to(device) replaces them with moved copies.
        private const string MeanName = "mean";   // [C]
        private const string StdName = "std";     // [C]

        /// <summary>The identity normalisation (mean 0, std 1) for <paramref name="channels"/> channels.</summary>
        /// <param name="channels">C, the input's channel count (1 or more).</param>
        public InputNormalisation(long channels) : base(nameof(InputNormalisation))
        {
            if (channels <= 0)
                throw new ArgumentException($"channels must be positive; got {channels}.", nameof(channels));
            Channels = channels;
            register_buffer(MeanName, zeros(channels).DetachFromDisposeScope());
            register_buffer(StdName, ones(channels).DetachFromDisposeScope());
        }

        /// <summary>C, the number of channels normalised.</summary>
        public long Channels { get; }

        /// <summary>Per-channel mean [C] (for exporters and inspection).</summary>
        public Tensor Mean => get_buffer(MeanName);

        /// <summary>Per-channel divisor [C], already at least <see cref="MinimumStd"/>.</summary>
        public Tensor Std => get_buffer(StdName);

        /// <summary>
        /// Sets the statistics; each standard deviation is raised to at least <see cref="MinimumStd"/>.
        /// </summary>
        public void SetStatistics(ReadOnlySpan<double> channelMeans, ReadOnlySpan<double> channelStds)
        {
            if (channelMeans.Length != Channels || channelStds.Length != Channels)
                throw new ArgumentException($"Expected {Channels} means and standard deviations; got " +
                    $"{channelMeans.Length} and {channelStds.Length}.");
            var m = new float[Channels];
            var s = new float[Channels];
            for (int c = 0; c < Channels; c++)
            {
                if (!double.IsFinite(channelMeans[c]) || !double.IsFinite(channelStds[c]))
                    throw new ArgumentException($"Channel {c}'s statistics are not finite: mean " +
                        $"{channelMeans[c]}, std {channelStds[c]}.");
                m[c] = (float)channelMeans[c];
                s[c] = Math.Max((float)channelStds[c], MinimumStd);
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Mean.copy_(tensor(m));
            Std.copy_(tensor(s));
        }

        /// <summary>Copies another module's statistics (same channel count).</summary>
        public void CopyFrom(InputNormalisation other)
        {
            using var noGrad = no_grad();
            Mean.copy_(other.Mean);
            Std.copy_(other.Std);
        }

        /// <summary>input [N,C,H,W] -> (input - mean[c]) / std[c], same shape.</summary>
        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var shape = new long[] { 1, Channels, 1, 1 };
            var output = (input - Mean.view(shape)) / Std.view(shape);   // [N,C,H,W]
            return output.MoveToOuterDisposeScope();
        }
    }
}
