using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Adaptive average pooling of a feature map to at most <see cref="Side"/> x <see cref="Side"/>, as
    /// nn.AdaptiveAvgPool2d: [N,C,H,W] -> [N,C,min(H,side),min(W,side)]. Output cell i averages input rows
    /// floor(i H / h') to ceil((i + 1) H / h') - 1 (likewise columns), so the windows cover the map even where the
    /// side does not divide it. It sits before a network's first fully connected layer, whose size then stops growing
    /// with the image. No parameters: the state dict keys of the network around it do not change.
    /// </summary>
    internal sealed class FixedSizePool : nn.Module<Tensor, Tensor>
    {
        /// <param name="side">Largest output side, pixels of the feature map (positive).</param>
        /// <param name="height">Input height H the network was built for.</param>
        /// <param name="width">Input width W the network was built for.</param>
        public FixedSizePool(long side, long height, long width) : base("AdaptiveAvgPool2d")
        {
            ShapeInference.CheckPositive(side, nameof(side));
            ShapeInference.CheckPositive(height, nameof(height));
            ShapeInference.CheckPositive(width, nameof(width));
            Side = side;
            InputHeight = height;
            InputWidth = width;
            OutputHeight = Math.Min(side, height);
            OutputWidth = Math.Min(side, width);
        }

        public long Side { get; }
        public long InputHeight { get; }
        public long InputWidth { get; }
        public long OutputHeight { get; }
        public long OutputWidth { get; }

        /// <summary>Whether a feature map of <paramref name="height"/> x <paramref name="width"/> is larger than
        /// <paramref name="side"/> (0: pooling off).</summary>
        public static bool Needed(long side, long height, long width) => side > 0 && (height > side || width > side);

        /// <summary>x [N,C,H,W] -> [N,C,min(H,side),min(W,side)].</summary>
        public override Tensor forward(Tensor x) =>
            nn.functional.adaptive_avg_pool2d(x, new[] { OutputHeight, OutputWidth });

        /// <summary>
        /// The pooling along one axis as a matrix [outSize, inSize]: row i holds 1 / (window length) over output cell
        /// i's window, so pooled = Ph · X · Pwᵀ (how the ONNX export writes it where the side does not divide the map).
        /// </summary>
        public static float[] AxisMatrix(long inSize, long outSize)
        {
            var m = new float[outSize * inSize];
            for (long i = 0; i < outSize; i++)
            {
                long start = i * inSize / outSize, end = ((i + 1) * inSize + outSize - 1) / outSize;
                for (long j = start; j < end; j++) m[i * inSize + j] = 1f / (end - start);
            }
            return m;
        }
    }
}
