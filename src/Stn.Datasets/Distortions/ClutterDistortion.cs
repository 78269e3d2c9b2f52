using System;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets.Data;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// TC: the digit pasted at a random whole-pixel position in a 60x60 canvas (the 28x28 box fully inside), plus six
    /// 6x6 crops of other random digits pasted at random positions as clutter; overlaps keep the brighter pixel (max),
    /// so values stay in [0, 1]. Crops are taken from the central part of the source (a margin of size / 7, 4 px for
    /// 28x28, where MNIST digits lie) so that most carry strokes. Theta: Attention (s, tx, ty) of the digit alone,
    /// output -> source: s = 60 / 28, t = s - 1 - 2 offset / 28 per axis. The clutter is not part of theta.
    /// </summary>
    public sealed class ClutterDistortion : DistortionGenerator
    {
        /// <summary>The paper's settings.</summary>
        public static class Defaults
        {
            /// <summary>Side of the output canvas, pixels.</summary>
            public const int CanvasSize = 60;
            /// <summary>Clutter crops per image.</summary>
            public const int ClutterCount = 6;
            /// <summary>Side of each clutter crop, pixels.</summary>
            public const int ClutterSize = 6;
        }

        /// <summary>Settings of <see cref="ClutterDistortion"/>.</summary>
        public sealed class Options
        {
            /// <summary>Side of the output canvas, pixels (at least the source size).</summary>
            public int CanvasSize { get; set; } = Defaults.CanvasSize;
            /// <summary>Clutter crops per image (>= 0).</summary>
            public int ClutterCount { get; set; } = Defaults.ClutterCount;
            /// <summary>Side of each clutter crop, pixels (1 to the source size).</summary>
            public int ClutterSize { get; set; } = Defaults.ClutterSize;
        }

        private readonly int _canvas, _clutterCount, _clutterSize;

        /// <summary>Creates the generator; null options mean the defaults.</summary>
        public ClutterDistortion(Options options = null)
        {
            options ??= new Options();
            OptionChecks.InRange(options.CanvasSize, 1, 4096, nameof(Options.CanvasSize));
            OptionChecks.InRange(options.ClutterCount, 0, 1000, nameof(Options.ClutterCount));
            OptionChecks.InRange(options.ClutterSize, 1, options.CanvasSize, nameof(Options.ClutterSize));
            (_canvas, _clutterCount, _clutterSize) = (options.CanvasSize, options.ClutterCount, options.ClutterSize);
        }

        /// <inheritdoc/>
        public override DistortionKind Kind => DistortionKind.TranslatedCluttered;

        /// <inheritdoc/>
        public override SpatialTransformKind ThetaKind => SpatialTransformKind.Attention;

        /// <inheritdoc/>
        public override int OutputSize(int sourceSize) => _canvas;

        private protected override void GenerateCore(LabeledImageSet source, Random random, DistortedImageSet output)
        {
            int size = source.Width;
            if (size > _canvas)
                throw new ArgumentException("Options.CanvasSize must be at least the source " +
                    $"size {size}; got {_canvas}.", "CanvasSize");
            if (_clutterSize > size)
                throw new ArgumentException("Options.ClutterSize must be at most the source size " +
                    $"{size}; got {_clutterSize}.", "ClutterSize");
            int margin = size - 2 * (size / 7) >= _clutterSize ? size / 7 : 0;
            var theta = new double[3];
            for (int i = 0; i < output.Count; i++)
            {
                int s = i % source.Count;
                output.SourceIndices[i] = s;
                output.Labels[i] = source.Labels[s];
                Span<float> canvas = output.GetImage(i);
                int ox = random.Next(0, _canvas - size + 1), oy = random.Next(0, _canvas - size + 1);
                PasteMax(source, s, 0, 0, size, ox, oy, canvas);
                for (int k = 0; k < _clutterCount; k++)
                {
                    // Another digit than the one shown (unless the source holds only one).
                    int other = source.Count == 1 ? s : random.Next(0, source.Count - 1);
                    if (source.Count > 1 && other >= s) other++;
                    int cx = random.Next(margin, size - _clutterSize - margin + 1),
                        cy = random.Next(margin, size - _clutterSize - margin + 1);
                    int px = random.Next(0, _canvas - _clutterSize + 1),
                        py = random.Next(0, _canvas - _clutterSize + 1);
                    PasteMax(source, other, cx, cy, _clutterSize, px, py, canvas);
                }
                // Output pixel u -> source pixel u - offset.
                var sourceFromOutput = Matrix3.Translation(-ox, -oy);
                ThetaFromMatrix.Attention(PixelFrames.ToNormalized(sourceFromOutput, size, size, _canvas, _canvas),
                    theta);
                StoreTheta(output, i, 0, theta);
            }
        }

        /// <summary>
        /// Pastes the side x side crop at (cropX, cropY) of source image <paramref name="index"/> at (x, y) of the
        /// canvas, keeping the maximum.
        /// </summary>
        private void PasteMax(LabeledImageSet source, int index, int cropX, int cropY, int side, int x, int y,
            Span<float> canvas)
        {
            ReadOnlySpan<byte> pixels = source.GetPixels(index);
            for (int r = 0; r < side; r++)
            {
                ReadOnlySpan<byte> row = pixels.Slice((cropY + r) * source.Width + cropX, side);
                Span<float> target = canvas.Slice((y + r) * _canvas + x, side);
                for (int c = 0; c < side; c++) target[c] = Math.Max(target[c], row[c] / 255f);
            }
        }
    }
}
