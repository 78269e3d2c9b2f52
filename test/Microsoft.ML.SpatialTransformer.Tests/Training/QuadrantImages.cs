using System;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>
    /// A small 4-class colour task for input-scale tests: a bright 4x4 square in one quadrant of a 12x12 RGB image on
    /// channel-dependent noise (so each channel has its own mean and spread), written as PNG files.
    /// </summary>
    public static class QuadrantImages
    {
        public const int Side = 12;

        public sealed class PngRow
        {
            public string Path { get; set; }
            public string Quadrant { get; set; }
        }

        private static readonly string[] Names = { "top-left", "top-right", "bottom-left", "bottom-right" };

        /// <summary>
        /// Writes <paramref name="count"/> PNGs to <paramref name="directory"/>; labels shuffled when <paramref
        /// name="shuffleLabels"/>.
        /// </summary>
        public static PngRow[] Write(int count, int seed, string directory, bool shuffleLabels = false)
        {
            var random = new Random(seed);
            var rows = Enumerable.Range(0, count).Select(i =>
            {
                int quadrant = i % 4;
                var bgra = new byte[Side * Side * 4];
                for (int p = 0; p < Side * Side; p++)
                {
                    bgra[4 * p] = (byte)random.Next(0, 40);        // B: dim noise
                    bgra[4 * p + 1] = (byte)random.Next(60, 120);  // G: brighter noise
                    bgra[4 * p + 2] = (byte)random.Next(0, 80);    // R
                    bgra[4 * p + 3] = 255;
                }
                int top = (quadrant / 2) * 6 + random.Next(0, 3), left = (quadrant % 2) * 6 + random.Next(0, 3);
                for (int r = top; r < top + 4; r++)
                    for (int c = left; c < left + 4; c++)
                    {
                        int p = r * Side + c;
                        bgra[4 * p] = 200; bgra[4 * p + 1] = 250; bgra[4 * p + 2] = 230;
                    }
                string file = $"q{i}.png";
                using (var image = MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra))
                    image.Save(System.IO.Path.Combine(directory, file));
                return new PngRow { Path = file, Quadrant = Names[quadrant] };
            }).ToArray();
            if (shuffleLabels)
            {
                var labels = rows.Select(r => r.Quadrant).OrderBy(_ => random.Next()).ToArray();
                for (int i = 0; i < rows.Length; i++) rows[i].Quadrant = labels[i];
            }
            return rows;
        }
    }
}
