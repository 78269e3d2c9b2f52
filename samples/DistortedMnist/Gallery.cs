using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.Trainers;
using Stn.Datasets.Distortions;
using static TorchSharp.torch;

namespace DistortedMnist
{
    /// <summary>
    /// Writes one PNG per test digit: the distorted input, the spatial transformer's output, and the input with the ST's
    /// sampling grid drawn over it (where each output pixel reads from), scaled up for viewing.
    /// </summary>
    internal static class Gallery
    {
        private const int Zoom = 4;
        private const int GridLines = 8;

        public static string[] Write(MLContext ml, StCnnModelParameters model, DistortedImageSet test, int count, string directory)
        {
            Directory.CreateDirectory(directory);
            using var st = model.GetSpatialTransformer(0, "Image", "Canonical", "Theta");
            var view = ml.Data.TakeRows(test.ToDataView(ml), count);
            var warped = st.Transform(view);
            var canonical = warped.GetColumn<float[]>("Canonical").ToArray();
            var thetas = warped.GetColumn<float[]>("Theta").ToArray();
            var shape = st.OutputShape;
            var files = new string[canonical.Length];
            for (int i = 0; i < canonical.Length; i++)
            {
                var input = test.GetImage(i).Slice(0, test.Height * test.Width).ToArray(); // first channel
                var grid = SamplingGrid(model.Network.Transform, thetas[i], model.Network.TpsGridSize, GridLines + 1);
                var panels = new[]
                {
                    Gray(input, test.Width, test.Height),
                    Gray(canonical[i].AsSpan(0, shape.Height * shape.Width).ToArray(), shape.Width, shape.Height),
                    WithGrid(Gray(input, test.Width, test.Height), grid, GridLines + 1),
                };
                files[i] = Path.Combine(directory, $"digit{i}_label{test.Labels[i]}.png");
                SavePanels(panels, files[i]);
            }
            return files;
        }

        /// <summary>Source points (pixels of the input) of an n x n lattice of output points. [n*n] (x, y)</summary>
        private static (double X, double Y)[] SamplingGrid(Microsoft.ML.SpatialTransformer.SpatialTransformKind kind, float[] theta, int tps, int n)
        {
            using var scope = NewDisposeScope();
            var grid = TransformFamily.Grid(kind, tensor(theta).unsqueeze(0), n, n, tps); // [1,n,n,2] normalised
            var values = grid.contiguous().data<float>().ToArray();
            return Enumerable.Range(0, n * n).Select(k => ((double)values[2 * k], (double)values[2 * k + 1])).ToArray();
        }

        private sealed record Panel(byte[] Bgra, int Width, int Height);

        private static Panel Gray(float[] pixels, int width, int height)
        {
            int w = width * Zoom, h = height * Zoom;
            var bgra = new byte[w * h * 4];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    byte v = (byte)Math.Clamp(pixels[(y / Zoom) * width + x / Zoom] * 255, 0, 255);
                    int o = (y * w + x) * 4;
                    bgra[o] = bgra[o + 1] = bgra[o + 2] = v;
                    bgra[o + 3] = 255;
                }
            return new Panel(bgra, w, h);
        }

        // Normalised (-1..1 across the outer edges) to zoomed pixel coordinates, then lines between lattice neighbours.
        private static Panel WithGrid(Panel panel, (double X, double Y)[] points, int n)
        {
            (int, int) P(int r, int c) => ((int)Math.Round((points[r * n + c].X + 1) / 2 * panel.Width),
                                           (int)Math.Round((points[r * n + c].Y + 1) / 2 * panel.Height));
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++)
                {
                    if (c + 1 < n) Line(panel, P(r, c), P(r, c + 1));
                    if (r + 1 < n) Line(panel, P(r, c), P(r + 1, c));
                }
            return panel;
        }

        private static void Line(Panel p, (int X, int Y) a, (int X, int Y) b)
        {
            int steps = Math.Max(Math.Abs(b.X - a.X), Math.Abs(b.Y - a.Y)) + 1;
            for (int s = 0; s <= steps; s++)
            {
                int x = a.X + (b.X - a.X) * s / steps, y = a.Y + (b.Y - a.Y) * s / steps;
                if (x < 0 || y < 0 || x >= p.Width || y >= p.Height) continue;
                int o = (y * p.Width + x) * 4;
                p.Bgra[o] = 40; p.Bgra[o + 1] = 200; p.Bgra[o + 2] = 255; // orange-yellow (B, G, R)
            }
        }

        private static void SavePanels(Panel[] panels, string path)
        {
            const int gap = 8;
            int height = panels.Max(p => p.Height), width = panels.Sum(p => p.Width) + gap * (panels.Length - 1);
            var bgra = new byte[width * height * 4];
            for (int i = 3; i < bgra.Length; i += 4) bgra[i] = 255;
            int left = 0;
            foreach (var p in panels)
            {
                for (int y = 0; y < p.Height; y++)
                    Array.Copy(p.Bgra, y * p.Width * 4, bgra, (y * width + left) * 4, p.Width * 4);
                left += p.Width + gap;
            }
            string temp = path + ".tmp.png";
            using (var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra))
                image.Save(temp);
            File.Move(temp, path, overwrite: true);
        }
    }
}
