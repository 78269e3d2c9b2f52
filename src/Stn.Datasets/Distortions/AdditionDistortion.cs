using System;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets.Data;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// MNIST addition: two channels of 42x42, each an independently RTS-distorted digit (see <see
    /// cref="RtsDistortion"/>) drawn uniformly from the source; the label is the sum of the two digits (0-18, 19
    /// classes). Theta: Similarity per channel, 8 values (channel 0's four, then channel 1's). <see
    /// cref="DistortedImageSet.SourceIndices"/> holds both digits.
    /// </summary>
    public sealed class AdditionDistortion : DistortionGenerator
    {
        private readonly RtsDistortion _rts;

        /// <summary>Creates the generator; null means the paper's RTS settings for each channel.</summary>
        public AdditionDistortion(RtsDistortion.Options rtsOptions = null)
        {
            _rts = new RtsDistortion(rtsOptions);
        }

        /// <inheritdoc/>
        public override DistortionKind Kind => DistortionKind.Addition;

        /// <inheritdoc/>
        public override int Channels => 2;

        /// <inheritdoc/>
        public override SpatialTransformKind ThetaKind => SpatialTransformKind.Similarity;

        /// <inheritdoc/>
        public override int OutputSize(int sourceSize) => _rts.OutputSize(sourceSize);

        private protected override void GenerateCore(LabeledImageSet source, Random random, DistortedImageSet output)
        {
            int n = output.Count;
            var indices = new[] { new int[n], new int[n] };
            var thetas = new[] { new float[n * 4], new float[n * 4] };
            var theta = new double[4];
            for (int i = 0; i < n; i++)
            {
                int first = random.Next(0, source.Count), second = random.Next(0, source.Count);
                (indices[0][i], indices[1][i]) = (first, second);
                (output.SourceIndices[2 * i], output.SourceIndices[2 * i + 1]) = (first, second);
                output.Labels[i] = (uint)source.Labels[first] + source.Labels[second];
                for (int channel = 0; channel < 2; channel++)
                {
                    _rts.Sample(random, source.Width, theta);
                    StoreTheta(output, i, channel, theta);
                    for (int p = 0; p < 4; p++) thetas[channel][4 * i + p] = (float)theta[p];
                }
            }
            for (int channel = 0; channel < 2; channel++)
                Warper.Warp(source, indices[channel], thetas[channel], ThetaKind, output.Height, output.Width,
                    output.Images, 2, channel);
        }
    }
}
