using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Stn.Datasets.Data;
using Stn.Datasets.Distortions;

namespace Stn.Datasets.Colour
{
    /// <summary>
    /// Colour distortion set: each row is one grey source digit (MNIST) given a random bright colour, rotated, scaled
    /// and placed, wholly inside, on a square colour canvas of clutter (a dark random base colour, per-pixel noise,
    /// coloured rectangles and, if asked, coloured fragments of other digits). Row i is drawn from its own generator
    /// seeded by (seed, i) from source digit i mod count, so a row is the same whenever and in whatever order it is
    /// made, and
    /// <see cref="CreateDataView"/> makes rows on demand: the view holds nothing but the source digits.
    /// Output: planar [3, S, S] (R, G, B) in [0, 1]; the label is the source digit's.
    /// </summary>
    public sealed class ColourClutterImages
    {
        private const int Channels = 3;
        private readonly LabeledImageSet _source;
        private readonly ColourClutterOptions _options;
        private readonly int _seed;

        /// <param name="source">Grey digits to draw from (bytes, [H, W]).</param>
        /// <param name="seed">Seed of every row's generator.</param>
        /// <param name="options">Settings; null: <see cref="ColourClutterOptions.Moderate"/>.</param>
        public ColourClutterImages(LabeledImageSet source, int seed, ColourClutterOptions options = null)
        {
            _source = source ?? throw new ArgumentNullException(nameof(source));
            if (source.Count == 0) throw new ArgumentException("source must hold at least one digit.", nameof(source));
            _options = (options ?? ColourClutterOptions.Moderate()).Copy();
            _options.Check();
            _seed = seed;
        }

        /// <summary>Canvas side, pixels.</summary>
        public int Size => _options.CanvasSize;

        /// <summary>Values per image, 3 x side x side.</summary>
        public int ImageSize => Channels * Size * Size;

        /// <summary>Label of row <paramref name="index"/> (no image is made).</summary>
        public uint Label(int index) => _source.Labels[SourceIndex(index)];

        /// <summary>
        /// Draws row <paramref name="index"/> (0 or more) into <paramref name="image"/> ([3, S, S]); returns its label.
        /// </summary>
        public uint Render(int index, Span<float> image)
        {
            if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "index must be 0 or more.");
            if (image.Length != ImageSize)
                throw new ArgumentException($"image must hold {ImageSize} values; got {image.Length}.", nameof(image));
            var random = new Random(unchecked(_seed * 1_000_003 + index));
            int s = Size, plane = s * s, digit = SourceIndex(index);
            var o = _options;
            // Background: a dark base colour and per-pixel noise.
            for (int c = 0; c < Channels; c++)
            {
                double baseValue = random.Uniform(0, o.MaxBackground);
                var channel = image.Slice(c * plane, plane);
                for (int p = 0; p < plane; p++)
                    channel[p] = (float)Math.Clamp(baseValue + random.Uniform(-o.NoiseAmplitude, o.NoiseAmplitude), 0,
                        1);
            }
            for (int k = 0; k < o.PatchCount; k++)
            {
                int w = Side(random, o.MinPatchFraction, o.MaxPatchFraction),
                    h = Side(random, o.MinPatchFraction, o.MaxPatchFraction);
                int x0 = random.Next(0, s - w + 1), y0 = random.Next(0, s - h + 1);
                var colour = RandomColour(random, bright: false);
                for (int c = 0; c < Channels; c++)
                    for (int y = y0; y < y0 + h; y++)
                    {
                        var row = image.Slice(c * plane + y * s + x0, w);
                        for (int x = 0; x < w; x++)
                            row[x] = (float)(row[x] * (1 - o.PatchOpacity) + colour[c] * o.PatchOpacity);
                    }
            }
            for (int k = 0; k < o.FragmentCount; k++)
            {
                int other = random.Next(0, _source.Count);
                int box = Side(random, o.MinDigitFraction, o.MaxDigitFraction);
                // A third of the other digit's box around a random point of its central part, drawn at a random place.
                double cropCentreX = random.Uniform(0.33, 0.67) * _source.Width,
                    cropCentreY = random.Uniform(0.33, 0.67) * _source.Height;
                double scale = (double)box / _source.Width, half = box / 6.0;
                double x = random.Uniform(half, s - half), y = random.Uniform(half, s - half);
                Draw(image, other, RandomColour(random, bright: true), x, y, scale, random.Uniform(-Math.PI, Math.PI),
                    cropCentreX, cropCentreY, half);
            }
            {
                int box = Side(random, o.MinDigitFraction, o.MaxDigitFraction);
                double angle = RandomExtensions.Radians(random.Uniform(-o.MaxAngleDegrees, o.MaxAngleDegrees));
                double scale = (double)box / _source.Width, half = box / 2.0;
                // The rotated box's extent, so the whole digit stays on the canvas.
                double extent = Math.Min(half * (Math.Abs(Math.Cos(angle)) + Math.Abs(Math.Sin(angle))), s / 2.0);
                double x = random.Uniform(extent, s - extent), y = random.Uniform(extent, s - extent);
                Draw(image, digit, RandomColour(random, bright: true), x, y, scale, angle,
                    _source.Width / 2.0, _source.Height / 2.0, half);
            }
            return _source.Labels[digit];
        }

        /// <summary>
        /// A lazily generated view of <paramref name="count"/> rows: Image Vector&lt;Single, 3, S, S&gt;, Label UInt32
        /// (the digit; see <see cref="DatasetColumns"/>). Every cursor draws its rows afresh; nothing is kept between
        /// rows. With <paramref name="wholeNumbers"/> the values are 0-255 whole numbers (each value times 255,
        /// rounded), as ML.NET's ExtractPixels gives from image files.
        /// </summary>
        public IDataView CreateDataView(MLContext mlContext, int count, bool wholeNumbers = false)
        {
            if (mlContext is null) throw new ArgumentNullException(nameof(mlContext));
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be 0 or more.");
            var schema = SchemaDefinition.Create(typeof(LabeledImageRow));
            schema[DatasetColumns.Image].ColumnType = ImageDataViews.ImageType(Channels, Size, Size);
            return mlContext.Data.LoadFromEnumerable(Rows(count, wholeNumbers), schema);
        }

        private IEnumerable<LabeledImageRow> Rows(int count, bool wholeNumbers)
        {
            for (int i = 0; i < count; i++)
            {
                var image = new float[ImageSize];
                uint label = Render(i, image);
                if (wholeNumbers)
                    for (int v = 0; v < image.Length; v++) image[v] = MathF.Round(image[v] * 255);
                yield return new LabeledImageRow { Image = image, Label = label };
            }
        }

        private int SourceIndex(int index) => index % _source.Count;

        private int Side(Random random, double minFraction, double maxFraction) =>
            Math.Max(1, (int)Math.Round(random.Uniform(minFraction, maxFraction) * Size));

        // Bright: a saturated, light colour (hue uniform, saturation 0.6-1, value 0.8-1); otherwise any colour.
        private static double[] RandomColour(Random random, bool bright)
        {
            if (!bright) return new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() };
            double hue = random.Uniform(0, 6), saturation = random.Uniform(0.6, 1), value = random.Uniform(0.8, 1);
            double chroma = value * saturation, x = chroma * (1 - Math.Abs(hue % 2 - 1)), m = value - chroma;
            var (r, g, b) = (int)hue switch
            {
                0 => (chroma, x, 0.0), 1 => (x, chroma, 0.0), 2 => (0.0, chroma, x),
                3 => (0.0, x, chroma), 4 => (x, 0.0, chroma), _ => (chroma, 0.0, x),
            };
            return new[] { r + m, g + m, b + m };
        }

        /// <summary>
        /// Blends source digit <paramref name="digit"/> in <paramref name="colour"/> over the canvas, its intensity as
        /// alpha: the source point (sourceX, sourceY) lands on canvas point (x, y), scaled by <paramref name="scale"/>
        /// and rotated by <paramref name="angle"/>; only canvas pixels within <paramref name="half"/> (before rotation)
        /// of it are drawn.
        /// </summary>
        private void Draw(Span<float> image, int digit, double[] colour, double x, double y, double scale, double angle,
            double sourceX, double sourceY, double half)
        {
            int s = Size, plane = s * s, sw = _source.Width, sh = _source.Height;
            var pixels = _source.GetPixels(digit);
            double cos = Math.Cos(angle), sin = Math.Sin(angle), reach = half * Math.Sqrt(2);
            int xMin = Math.Max(0, (int)Math.Floor(x - reach)), xMax = Math.Min(s - 1, (int)Math.Ceiling(x + reach));
            int yMin = Math.Max(0, (int)Math.Floor(y - reach)), yMax = Math.Min(s - 1, (int)Math.Ceiling(y + reach));
            for (int py = yMin; py <= yMax; py++)
                for (int px = xMin; px <= xMax; px++)
                {
                    // Canvas pixel centre -> box frame (undo the rotation), then -> source pixel coordinates.
                    double dx = px + 0.5 - x, dy = py + 0.5 - y;
                    double bx = cos * dx + sin * dy, by = -sin * dx + cos * dy;
                    if (Math.Abs(bx) > half || Math.Abs(by) > half) continue;
                    double u = sourceX + bx / scale - 0.5, v = sourceY + by / scale - 0.5;
                    double alpha = Bilinear(pixels, sw, sh, u, v) / 255.0;
                    if (alpha <= 0) continue;
                    for (int c = 0; c < Channels; c++)
                    {
                        int i = c * plane + py * s + px;
                        image[i] = (float)(image[i] * (1 - alpha) + colour[c] * alpha);
                    }
                }
        }

        // Bilinear sample of a [h, w] byte image at (u, v) in pixel-centre coordinates; zero outside.
        private static double Bilinear(ReadOnlySpan<byte> pixels, int w, int h, double u, double v)
        {
            int x0 = (int)Math.Floor(u), y0 = (int)Math.Floor(v);
            double fx = u - x0, fy = v - y0;
            return (At(pixels, w, h, x0, y0) * (1 - fx) + At(pixels, w, h, x0 + 1, y0) * fx) * (1 - fy)
                + (At(pixels, w, h, x0, y0 + 1) * (1 - fx) + At(pixels, w, h, x0 + 1, y0 + 1) * fx) * fy;
        }

        private static double At(ReadOnlySpan<byte> pixels, int w, int h, int x, int y) =>
            x < 0 || y < 0 || x >= w || y >= h ? 0 : pixels[y * w + x];
    }
}
