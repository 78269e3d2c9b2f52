using System;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// The default output size of an input spatial transformer: the paper's downsampling ST for large images. Up to
    /// <see cref="DownsamplingThreshold"/> px a side keeps the input's size; above it the ST samples 3/8 of the side,
    /// at least <see cref="MinimumSide"/> px (128 -> 48, 224 -> 84), so the classifier after it sees a smaller image
    /// and costs less per image. A size the user sets explicitly always wins.
    /// </summary>
    public static class TransformOutputSize
    {
        /// <summary>Sides up to this many pixels keep their size (64).</summary>
        public const int DownsamplingThreshold = 64;

        /// <summary>The smallest downsampled side, pixels (48).</summary>
        public const int MinimumSide = 48;

        /// <summary>The default ST output side for an input side of <paramref name="inputSide"/> pixels (positive).
        /// </summary>
        public static int Default(int inputSide)
        {
            if (inputSide <= 0)
                throw new ArgumentException($"inputSide must be positive; got {inputSide}.", nameof(inputSide));
            if (inputSide <= DownsamplingThreshold) return inputSide;
            return Math.Min(inputSide, Math.Max(MinimumSide, (int)Math.Round(3.0 * inputSide / 8)));
        }
    }
}
