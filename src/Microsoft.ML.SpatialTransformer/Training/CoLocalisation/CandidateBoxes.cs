using System;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The boxes the search compares: one scale, centres on an even grid that spans every place the box fits inside
    /// the image, about a seventh of the box's side apart (so some candidate overlaps any object of the box's size by
    /// IoU 0.75 or more).
    /// </summary>
    internal static class CandidateBoxes
    {
        /// <param name="scale">The boxes' s: side / image side, in (0, 1].</param>
        /// <param name="height">Image height H, pixels.</param>
        /// <param name="width">Image width W, pixels.</param>
        /// <returns>Attention thetas (s, tx, ty) [K,3], row by row (ty outer, tx inner).</returns>
        public static Tensor Thetas(double scale, int height, int width)
        {
            var xs = Centres(scale, width);
            var ys = Centres(scale, height);
            var values = new float[xs.Length * ys.Length * 3];
            int k = 0;
            foreach (double ty in ys)
                foreach (double tx in xs)
                {
                    values[k++] = (float)scale;
                    values[k++] = (float)tx;
                    values[k++] = (float)ty;
                }
            return HostTensors.FromSpan(values, new long[] { xs.Length * ys.Length, 3 });
        }

        // Normalised centres from -(1 - s) to 1 - s, spaced about (box side / 7) pixels apart.
        private static double[] Centres(double scale, int side)
        {
            double room = Math.Max(0, 1 - scale);
            double step = Math.Max(1, scale * side / CropEmbedding.Cells) * 2 / side; // normalised units
            int count = (int)Math.Ceiling(2 * room / step - 1e-9) + 1;
            var centres = new double[count];
            for (int i = 0; i < count; i++) centres[i] = count == 1 ? 0 : -room + 2 * room * i / (count - 1);
            return centres;
        }
    }
}
