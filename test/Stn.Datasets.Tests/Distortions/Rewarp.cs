using System;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Functional;
using Stn.Datasets.Data;
using Stn.Datasets.Distortions;
using static TorchSharp.torch;

namespace Stn.Datasets.Tests.Distortions
{
    /// <summary>
    /// Re-creates one channel of a generated image from its source digit and stored theta, one sample at a time.
    /// </summary>
    internal static class Rewarp
    {
        public static float[] Channel(LabeledImageSet source, DistortedImageSet set, int index, int channel)
        {
            int parameters = set.ThetaLength / set.Channels;
            var image = new float[source.ImageSize];
            source.CopyImage(set.SourceIndices[index * set.Channels + channel], image);
            float[] theta = set.GetTheta(index).Slice(channel * parameters, parameters).ToArray();
            using var scope = NewDisposeScope();
            var input = tensor(image, new long[] { 1, 1, source.Height, source.Width });            // [1,1,H,W]
            // [1,H',W',2]
            var grid = TransformFamily.Grid(set.ThetaKind, tensor(theta, new long[] { 1, parameters }),
                set.Height, set.Width);
            // [1,1,H',W']
            return GridSampling.Sample(input, grid, SamplingMode.Bilinear, PaddingMode.Zeros).data<float>().ToArray();
        }

        public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} vs {b.Length}");
            float max = 0;
            for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
            return max;
        }
    }
}
