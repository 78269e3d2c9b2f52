using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Stn.Datasets.Data;
using Stn.Datasets.Distortions;

namespace Stn.Datasets.Sequences
{
    /// <summary>
    /// Multi-digit sequences, the shape of the paper's SVHN experiment on MNIST digits: 1 to 5 digits side by side on a
    /// square canvas, each with its own scale, spacing, rotation and vertical offset, the group at a random place. Row
    /// <c>i</c> depends only on the seed and <c>i</c> (its own seeded <see cref="Random"/>), so a view is generated
    /// lazily, row by row, and gives the same rows every time it is read.
    /// </summary>
    public sealed class DigitSequenceGenerator
    {
        /// <summary>Column names of <see cref="ToDataView"/>.</summary>
        public static class Columns
        {
            /// <summary>The canvas, Vector&lt;Single, 1, S, S&gt;.</summary>
            public const string Pixels = "Pixels";
            /// <summary>The digits as text.</summary>
            public const string Label = "Label";
            /// <summary>The true boxes, Vector&lt;Single, 5, 4&gt;.</summary>
            public const string Boxes = "Boxes";
        }

        private const int Glyph = 28; // MNIST's box side

        private readonly LabeledImageSet _digits;

        /// <param name="digits">The MNIST digits drawn from (28x28).</param>
        /// <param name="options">Layout and jitter; null: <see cref="DigitSequenceOptions"/>' defaults (64 px).</param>
        /// <param name="seed">Seed of every row.</param>
        public DigitSequenceGenerator(LabeledImageSet digits, DigitSequenceOptions options = null, int seed = 0)
        {
            _digits = digits ?? throw new ArgumentNullException(nameof(digits));
            if (digits.Height != Glyph || digits.Width != Glyph)
                throw new ArgumentException($"digits must be {Glyph}x{Glyph} MNIST images; got " +
                    $"{digits.Height}x{digits.Width}.",
                    nameof(digits));
            if (digits.Count == 0) throw new ArgumentException("digits must hold at least one image.", nameof(digits));
            Options = options ?? new DigitSequenceOptions();
            Options.Validate();
            Seed = seed;
        }

        /// <summary>The layout and jitter.</summary>
        public DigitSequenceOptions Options { get; }

        /// <summary>The seed of every row.</summary>
        public int Seed { get; }

        /// <summary>Row <paramref name="index"/> (the same for the same seed, options and digits).</summary>
        public DigitSequence Generate(long index)
        {
            if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "index must be 0 or positive.");
            var o = Options;
            var random = new Random(RowSeed(Seed, index));
            int length = random.Next(o.MinLength, o.MaxLength + 1);
            var sources = new int[length];
            var sides = new double[length];
            var angles = new double[length];
            var offsets = new double[length];
            var lefts = new double[length];
            double left = 0, right = 0, tallest = 0;
            for (int i = 0; i < length; i++)
            {
                sources[i] = random.Next(_digits.Count);
                sides[i] = o.DigitSize * random.Uniform(1 - o.ScaleJitter, 1 + o.ScaleJitter);
                angles[i] = RandomExtensions.Radians(random.Uniform(-o.RotationDegrees, o.RotationDegrees));
                offsets[i] = random.Uniform(-o.VerticalJitter, o.VerticalJitter) * sides[i];
                if (i > 0) left += sides[i - 1] * random.Uniform(o.MinSpacing, o.MaxSpacing);
                lefts[i] = left;
                right = left + sides[i];
                tallest = Math.Max(tallest, sides[i] + 2 * Math.Abs(offsets[i]));
            }
            int s = o.CanvasSize;
            // The group lands anywhere it fits whole (Validate guarantees that it can).
            double x0 = random.Uniform(0, Math.Max(0, s - right));
            double centreY = random.Uniform(tallest / 2, Math.Max(tallest / 2, s - tallest / 2));
            var canvas = new float[s * s];
            var boxes = new DigitBox[length];
            var label = new StringBuilder(length);
            for (int i = 0; i < length; i++)
            {
                double cx = x0 + lefts[i] + sides[i] / 2, cy = centreY + offsets[i];
                boxes[i] = Draw(canvas, s, sources[i], cx, cy, sides[i], angles[i]);
                label.Append((char)('0' + _digits.Labels[sources[i]]));
            }
            return new DigitSequence(canvas, s, label.ToString(), boxes);
        }

        /// <summary>
        /// <paramref name="count"/> rows as an IDataView, generated lazily as a cursor reads them: Pixels
        /// (Vector&lt;Single, 1, S, S&gt;), Label (Text, "307") and Boxes (Vector&lt;Single, 5, 4&gt;, see
        /// <see cref="DigitSequenceRow.Boxes"/>).
        /// </summary>
        public IDataView ToDataView(MLContext mlContext, int count)
        {
            if (mlContext is null) throw new ArgumentNullException(nameof(mlContext));
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be 0 or positive.");
            var schema = SchemaDefinition.Create(typeof(DigitSequenceRow));
            schema[Columns.Pixels].ColumnType = ImageDataViews.ImageType(1, Options.CanvasSize, Options.CanvasSize);
            schema[Columns.Boxes].ColumnType =
                new VectorDataViewType(NumberDataViewType.Single, DigitSequenceOptions.MaxPositions, 4);
            return mlContext.Data.LoadFromEnumerable(Rows(count), schema);
        }

        private IEnumerable<DigitSequenceRow> Rows(int count)
        {
            for (int i = 0; i < count; i++)
            {
                var sequence = Generate(i);
                var boxes = new float[DigitSequenceOptions.MaxPositions * 4];
                for (int d = 0; d < sequence.Boxes.Count; d++)
                {
                    var b = sequence.Boxes[d];
                    boxes[4 * d] = b.X; boxes[4 * d + 1] = b.Y; boxes[4 * d + 2] = b.Width; boxes[4 * d + 3] = b.Height;
                }
                yield return new DigitSequenceRow { Pixels = sequence.Pixels, Label = sequence.Label, Boxes = boxes };
            }
        }

        // Draws digit `source` with its 28x28 box of side `side` centred on (cx, cy), rotated by `angle`, keeping the
        // brighter of canvas and digit (touching digits stay legible); returns the box of the pixels it inked.
        private DigitBox Draw(float[] canvas, int s, int source, double cx, double cy, double side, double angle)
        {
            var glyph = _digits.GetPixels(source);
            double cos = Math.Cos(angle), sin = Math.Sin(angle), scale = Glyph / side;
            double reach = side * 0.75; // half the diagonal of the rotated box, rounded up
            int xMin = Math.Max(0, (int)Math.Floor(cx - reach)), xMax = Math.Min(s - 1, (int)Math.Ceiling(cx + reach));
            int yMin = Math.Max(0, (int)Math.Floor(cy - reach)), yMax = Math.Min(s - 1, (int)Math.Ceiling(cy + reach));
            int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
            for (int y = yMin; y <= yMax; y++)
            for (int x = xMin; x <= xMax; x++)
            {
                // Canvas pixel centre -> glyph coordinates (inverse rotation, then scale), pixel centres at +0.5.
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                double u = (cos * dx + sin * dy) * scale + Glyph / 2.0 - 0.5;
                double v = (-sin * dx + cos * dy) * scale + Glyph / 2.0 - 0.5;
                float value = Bilinear(glyph, u, v);
                if (value <= 0) continue;
                ref float pixel = ref canvas[y * s + x];
                pixel = Math.Max(pixel, value);
                left = Math.Min(left, x); right = Math.Max(right, x);
                top = Math.Min(top, y); bottom = Math.Max(bottom, y);
            }
            return right < 0
                ? new DigitBox((int)cx, (int)cy, 0, 0)
                : new DigitBox(left, top, right - left + 1, bottom - top + 1);
        }

        // The glyph's value at (u, v) in [0, 1], zero outside it.
        private static float Bilinear(ReadOnlySpan<byte> glyph, double u, double v)
        {
            if (u <= -1 || v <= -1 || u >= Glyph || v >= Glyph) return 0;
            int u0 = (int)Math.Floor(u), v0 = (int)Math.Floor(v);
            double fu = u - u0, fv = v - v0;
            double sum = Texel(glyph, u0, v0) * (1 - fu) * (1 - fv) + Texel(glyph, u0 + 1, v0) * fu * (1 - fv)
                       + Texel(glyph, u0, v0 + 1) * (1 - fu) * fv + Texel(glyph, u0 + 1, v0 + 1) * fu * fv;
            return (float)(sum / 255.0);
        }

        private static double Texel(ReadOnlySpan<byte> glyph, int u, int v) =>
            (uint)u < Glyph && (uint)v < Glyph ? glyph[v * Glyph + u] : 0;

        // SplitMix64 of (seed, index): neighbouring rows get unrelated streams, and no process-randomised hash is used.
        private static int RowSeed(int seed, long index)
        {
            ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 1);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
        }
    }
}
