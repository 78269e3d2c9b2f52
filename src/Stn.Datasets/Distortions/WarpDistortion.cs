using System;
using Microsoft.ML.SpatialTransformer.Functional;
using Stn.Datasets.Data;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// A single-digit distortion made by warping: first every sample's parameters are drawn in order, then the digits
    /// are warped in batches by <see cref="Warper"/>, so the random stream never depends on batching.
    /// </summary>
    public abstract class WarpDistortion : DistortionGenerator
    {
        private protected WarpDistortion() { }

        /// <summary>
        /// Draws one sample's parameters of <see cref="DistortionGenerator.ThetaKind"/> (normalised, output -> source).
        /// </summary>
        private protected abstract void SampleTheta(Random random, int sourceSize, int outputSize, Span<double> theta);

        private protected override void GenerateCore(LabeledImageSet source, Random random, DistortedImageSet output)
        {
            int parameters = TransformFamily.ParameterCount(ThetaKind);
            var theta = new double[parameters];
            for (int i = 0; i < output.Count; i++)
            {
                int s = i % source.Count;
                output.SourceIndices[i] = s;
                output.Labels[i] = source.Labels[s];
                SampleTheta(random, source.Width, output.Width, theta);
                StoreTheta(output, i, 0, theta);
            }
            Warper.Warp(source, output.SourceIndices, output.Theta, ThetaKind, output.Height, output.Width,
                output.Images, 1, 0);
        }
    }
}
