using System;
using Microsoft.ML.SpatialTransformer;

namespace Stn.Datasets.CoLocalisation
{
    /// <summary>Intersection over union of two boxes in pixels: the paper's co-localisation counts a box right at IoU
    /// &gt; 0.5.</summary>
    public static class BoxOverlap
    {
        /// <summary>The paper's threshold: a box is correct when its IoU with the true box is above this.</summary>
        public const double CorrectAbove = 0.5;

        /// <summary>Area of the intersection over area of the union, in [0, 1]; 0 when either box has no
        /// area.</summary>
        public static double IntersectionOverUnion(PixelBox a, PixelBox b)
        {
            double w = Math.Max(0, Math.Min(a.Left + a.Width, b.Left + b.Width) - Math.Max(a.Left, b.Left));
            double h = Math.Max(0, Math.Min(a.Top + a.Height, b.Top + b.Height) - Math.Max(a.Top, b.Top));
            double intersection = w * h;
            double union = Area(a) + Area(b) - intersection;
            return union <= 0 || intersection <= 0 ? 0 : intersection / union;
        }

        // A box with a negative side (an attention theta with s < 0 mirrors the crop) covers |w| x |h|.
        private static double Area(PixelBox box) => Math.Abs(box.Width * box.Height);
    }
}
