using System;
using System.Collections.Generic;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets.Data;
using Stn.Datasets.Distortions;

namespace Stn.Datasets.CoLocalisation
{
    /// <summary>
    /// The paper's co-localisation data: each digit of one class (28x28 for MNIST) pasted at a random whole-pixel place
    /// of an 84x84 canvas (the digit fully inside), optionally with sixteen 6x6 crops of other digits (of any class) at
    /// random places as clutter. Overlaps keep the brighter pixel (max), so values stay in [0, 1]. Clutter crops come
    /// from the central part of their source (a margin of size / 7), where MNIST strokes lie. Seeded: the same source,
    /// class, options and seed give the same images.
    /// </summary>
    public sealed class CoLocalisationGenerator
    {
        /// <summary>The paper's settings.</summary>
        public static class Defaults
        {
            /// <summary>Side of the canvas, pixels.</summary>
            public const int CanvasSize = 84;
            /// <summary>Images per class.</summary>
            public const int PerClass = 100;
            /// <summary>Clutter crops per image when clutter is on.</summary>
            public const int ClutterCount = 16;
            /// <summary>Side of a clutter crop, pixels.</summary>
            public const int ClutterSize = 6;
        }

        /// <summary>Settings of <see cref="CoLocalisationGenerator"/>.</summary>
        public sealed class Options
        {
            /// <summary>Side of the canvas, pixels; default 84; at least the source digits' side, at most
            /// 4096.</summary>
            public int CanvasSize { get; set; } = Defaults.CanvasSize;
            /// <summary>Images of the class; default 100; 1 to the digits of that class in the source.</summary>
            public int PerClass { get; set; } = Defaults.PerClass;
            /// <summary>Clutter crops per image; default 0 (none); the paper's cluttered set: 16; 0 to 1000.</summary>
            public int ClutterCount { get; set; }
            /// <summary>Side of a clutter crop, pixels; default 6; 1 to the source digits' side.</summary>
            public int ClutterSize { get; set; } = Defaults.ClutterSize;
        }

        private readonly Options _options;

        /// <summary>Creates the generator; null options mean the defaults (no clutter).</summary>
        public CoLocalisationGenerator(Options options = null)
        {
            options ??= new Options();
            OptionChecks.InRange(options.CanvasSize, 1, 4096, nameof(Options.CanvasSize));
            OptionChecks.InRange(options.PerClass, 1, int.MaxValue, nameof(Options.PerClass));
            OptionChecks.InRange(options.ClutterCount, 0, 1000, nameof(Options.ClutterCount));
            OptionChecks.InRange(options.ClutterSize, 1, options.CanvasSize, nameof(Options.ClutterSize));
            _options = options;
        }

        /// <summary>
        /// The first <see cref="Options.PerClass"/> digits of class <paramref name="digitClass"/> in <paramref
        /// name="source"/>,
        /// each placed (and cluttered) with draws from a Random seeded with <paramref name="seed"/>.
        /// </summary>
        public CoLocalisationSet Generate(LabeledImageSet source, int digitClass, int seed)
        {
            if (source is null) throw new ArgumentNullException(nameof(source));
            int side = source.Width, canvas = _options.CanvasSize;
            if (source.Height != side)
                throw new ArgumentException($"The source digits must be square; got {source.Height}x{source.Width}.",
                    nameof(source));
            if (side > canvas)
                throw new ArgumentException("Options.CanvasSize must be at least the source " +
                    $"size {side}; got {canvas}.", "CanvasSize");
            if (_options.ClutterSize > side)
                throw new ArgumentException($"Options.ClutterSize must be at most the source size {side}; " +
                    $"got {_options.ClutterSize}.", "ClutterSize");
            var members = new List<int>();
            for (int i = 0; i < source.Count && members.Count < _options.PerClass; i++)
                if (source.Labels[i] == digitClass) members.Add(i);
            if (members.Count < _options.PerClass)
                throw new ArgumentException(
                    $"Options.PerClass must be at most the {members.Count} digits of class {digitClass} in the " +
                    $"source; got {_options.PerClass}.", "PerClass");

            var random = new Random(seed);
            var pixels = new float[(long)members.Count * canvas * canvas];
            var boxes = new PixelBox[members.Count];
            int clutter = _options.ClutterSize;
            int margin = side - 2 * (side / 7) >= clutter ? side / 7 : 0;
            for (int i = 0; i < members.Count; i++)
            {
                var image = pixels.AsSpan(i * canvas * canvas, canvas * canvas);
                int x = random.Next(0, canvas - side + 1), y = random.Next(0, canvas - side + 1);
                PasteMax(source, members[i], 0, 0, side, x, y, image, canvas);
                boxes[i] = new PixelBox(x, y, side, side);
                for (int k = 0; k < _options.ClutterCount; k++)
                {
                    // Another source image than the one shown (unless the source holds only one).
                    int other = source.Count == 1 ? 0 : random.Next(0, source.Count - 1);
                    if (source.Count > 1 && other >= members[i]) other++;
                    int cx = random.Next(margin, side - clutter - margin + 1),
                        cy = random.Next(margin, side - clutter - margin + 1);
                    int px = random.Next(0, canvas - clutter + 1), py = random.Next(0, canvas - clutter + 1);
                    PasteMax(source, other, cx, cy, clutter, px, py, image, canvas);
                }
            }
            return new CoLocalisationSet(digitClass, canvas, pixels, boxes);
        }

        // Pastes the side x side crop at (cropX, cropY) of source image index at (x, y) of the canvas, keeping the
        // maximum.
        private static void PasteMax(LabeledImageSet source, int index, int cropX, int cropY, int side, int x, int y,
            Span<float> image, int canvas)
        {
            ReadOnlySpan<byte> digit = source.GetPixels(index);
            for (int r = 0; r < side; r++)
            {
                var from = digit.Slice((cropY + r) * source.Width + cropX, side);
                var to = image.Slice((y + r) * canvas + x, side);
                for (int c = 0; c < side; c++) to[c] = Math.Max(to[c], from[c] / 255f);
            }
        }
    }
}
