using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer.Visualization
{
    /// <summary>
    /// A BGRA picture being drawn: images scaled up by whole pixels, lines, and side-by-side PNG output (MLImage).
    /// </summary>
    internal sealed class Panel
    {
        private Panel(byte[] bgra, int width, int height)
        {
            Bgra = bgra;
            Width = width;
            Height = height;
        }

        public byte[] Bgra { get; }
        public int Width { get; }
        public int Height { get; }

        /// <summary>
        /// An image [C,H,W] (planar) scaled up <paramref name="zoom"/> times: gray for one channel, the first three as
        /// RGB otherwise; <paramref name="black"/> maps to 0 and <paramref name="white"/> to 255, values beyond are
        /// clipped.
        /// </summary>
        public static Panel FromImage(ReadOnlySpan<float> image, ImageShape shape, int zoom, float black, float white)
        {
            int plane = shape.Height * shape.Width;
            float min = black;
            float scale = white > black ? 255f / (white - black) : 0f;
            int w = shape.Width * zoom, h = shape.Height * zoom;
            var bgra = new byte[w * h * 4];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int source = (y / zoom) * shape.Width + x / zoom, o = (y * w + x) * 4;
                    for (int c = 0; c < 3; c++)
                    {
                        float v = image[Math.Min(c, shape.Channels - 1) * plane + source];
                        // R, G, B into BGRA
                        bgra[o + 2 - c] = float.IsFinite(v) ? (byte)Math.Clamp((v - min) * scale, 0, 255) : (byte)0;
                    }
                    bgra[o + 3] = 255;
                }
            return new Panel(bgra, w, h);
        }

        /// <summary>
        /// Lines between lattice neighbours of n x n points given in normalised coordinates (-1..1 across the outer
        /// edges).
        /// </summary>
        public void DrawLattice((double X, double Y)[] points, int n)
        {
            (int, int) P(int r, int c) => ((int)Math.Floor((points[r * n + c].X + 1) / 2 * Width),
                                           (int)Math.Floor((points[r * n + c].Y + 1) / 2 * Height));
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++)
                {
                    if (c + 1 < n) DrawLine(P(r, c), P(r, c + 1));
                    if (r + 1 < n) DrawLine(P(r, c), P(r + 1, c));
                }
        }

        /// <summary>The line colour, as B, G, R: orange-yellow, visible on gray digits.</summary>
        public static readonly (byte B, byte G, byte R) LineColour = (40, 200, 255);

        private void DrawLine((int X, int Y) a, (int X, int Y) b)
        {
            int steps = Math.Max(Math.Abs(b.X - a.X), Math.Abs(b.Y - a.Y));
            for (int s = 0; s <= steps; s++)
            {
                int x = steps == 0 ? a.X : a.X + (b.X - a.X) * s / steps,
                    y = steps == 0 ? a.Y : a.Y + (b.Y - a.Y) * s / steps;
                if (x < 0 || y < 0 || x >= Width || y >= Height) continue; // the grid may reach outside the image
                int o = (y * Width + x) * 4;
                (Bgra[o], Bgra[o + 1], Bgra[o + 2]) = LineColour;
            }
        }

        /// <summary>Gap in pixels between panels saved side by side.</summary>
        public const int Gap = 8;

        /// <summary>
        /// Saves the panels left to right as one PNG, written to a temporary file first and then moved.
        /// </summary>
        public static void SaveSideBySide(Panel[] panels, string path)
        {
            int height = panels.Max(p => p.Height), width = panels.Sum(p => p.Width) + Gap * (panels.Length - 1);
            var bgra = new byte[width * height * 4];
            for (int i = 3; i < bgra.Length; i += 4) bgra[i] = 255;
            int left = 0;
            foreach (var p in panels)
            {
                for (int y = 0; y < p.Height; y++)
                    Array.Copy(p.Bgra, y * p.Width * 4, bgra, (y * width + left) * 4, p.Width * 4);
                left += p.Width + Gap;
            }
            string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path)
                + ".tmp.png");
            using (var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra))
                image.Save(temp);
            File.Move(temp, path, overwrite: true);
        }
    }
}
