using System;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Functional;
using Stn.Datasets.Data;
using static TorchSharp.torch;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// Warps source digits by per-sample parameters with the core library (TransformFamily.Grid, then
    /// GridSampling.Sample, bilinear, zero padding), in batches, each inside its own dispose scope so no native tensor
    /// outlives its batch.
    /// </summary>
    internal static class Warper
    {
        /// <summary>
        /// Samples per batch: large enough to amortise the per-call overhead, small enough to stay in cache.
        /// </summary>
        public const int BatchSize = 512;

        /// <summary>
        /// For each k, warps source image <paramref name="sourceIndices"/>[k] by <paramref name="theta"/>[k] ([P] per
        /// k) into an H' x W' image and writes it as channel <paramref name="channel"/> of sample k of <paramref
        /// name="destination"/>, laid out [N, <paramref name="channels"/>, H', W'].
        /// </summary>
        public static void Warp(LabeledImageSet source, int[] sourceIndices, float[] theta, SpatialTransformKind kind,
            int outputHeight, int outputWidth, float[] destination, int channels, int channel)
        {
            int count = sourceIndices.Length;
            int parameters = TransformFamily.ParameterCount(kind);
            int sourceSize = source.ImageSize, outputSize = outputHeight * outputWidth;
            var input = new float[Math.Min(count, BatchSize) * sourceSize];
            for (int start = 0; start < count; start += BatchSize)
            {
                int n = Math.Min(BatchSize, count - start);
                for (int k = 0; k < n; k++)
                    source.CopyImage(sourceIndices[start + k], input.AsSpan(k * sourceSize, sourceSize));
                float[] warped;
                using (NewDisposeScope())
                {
                    // [n,1,H,W]
                    var images = tensor(input.AsSpan(0, n * sourceSize).ToArray(),
                        new long[] { n, 1, source.Height, source.Width });
                    // [n,P]
                    var batchTheta = tensor(theta.AsSpan(start * parameters, n * parameters).ToArray(),
                        new long[] { n, parameters });
                    var grid = TransformFamily.Grid(kind, batchTheta, outputHeight, outputWidth);   // [n,H',W',2]
                    // [n,1,H',W']
                    var output = GridSampling.Sample(images, grid, SamplingMode.Bilinear, PaddingMode.Zeros);
                    warped = output.contiguous().data<float>().ToArray();
                }
                for (int k = 0; k < n; k++)
                    Array.Copy(warped, k * outputSize, destination,
                        ((long)(start + k) * channels + channel) * outputSize, outputSize);
            }
        }
    }
}
