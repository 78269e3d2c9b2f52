using System;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// An affine theta's linear part read as M = R(angle) . [[ScaleX, Shear * ScaleY], [0, ScaleY]], plus its
    /// translation. Theta maps output (canonical) coordinates to source (input) coordinates, normalised to [-1, 1].
    /// </summary>
    public readonly record struct AffineDecomposition(
        double RotationDegrees, double ScaleX, double ScaleY, double Shear, double TranslationX, double TranslationY);

    /// <summary>
    /// A rectangle in pixels of the input image (left/top edges, as pixel coordinates from 0 at the image's edge).
    /// </summary>
    public readonly record struct PixelBox(double Left, double Top, double Width, double Height);

    /// <summary>
    /// Reads regressed transforms as quantities later tasks use (the paper notes theta is an output of its own: an
    /// object's pose or box). Conventions as <see cref="Functional.TransformFamily"/>: align_corners = false, so
    /// normalised -1 is the left/top image edge and +1 the right/bottom edge.
    /// </summary>
    public static class ThetaDecomposition
    {
        /// <summary>
        /// Rotation, scales, shear and translation of an affine theta (a11, a12, a13, a21, a22, a23).
        /// </summary>
        public static AffineDecomposition DecomposeAffine(ReadOnlySpan<float> theta)
        {
            if (theta.Length != 6)
                throw new ArgumentException($"An affine theta has 6 values; got {theta.Length}.", nameof(theta));
            double a = theta[0], b = theta[1], tx = theta[2], c = theta[3], d = theta[4], ty = theta[5];
            double scaleX = Math.Sqrt(a * a + c * c);
            if (scaleX == 0)
                throw new ArgumentException("The affine theta's first column is zero: it has no rotation to read.",
                    nameof(theta));
            double angle = Math.Atan2(c, a);
            // R(-angle) M = [[scaleX, k], [0, scaleY]]
            double k = (a * b + c * d) / scaleX;
            double scaleY = (a * d - b * c) / scaleX;
            double shear = scaleY == 0 ? double.NaN : k / scaleY;
            return new AffineDecomposition(angle * 180 / Math.PI, scaleX, scaleY, shear, tx, ty);
        }

        /// <summary>
        /// The region of the input an attention theta (s, tx, ty) crops: the output's [-1, 1]^2 comes from
        /// [tx - s, tx + s] x [ty - s, ty + s], here in pixels of a <paramref name="width"/> x <paramref
        /// name="height"/> input.
        /// </summary>
        public static PixelBox AttentionBox(ReadOnlySpan<float> theta, int width, int height)
        {
            if (theta.Length != 3)
                throw new ArgumentException($"An attention theta has 3 values (s, tx, ty); got {theta.Length}.",
                    nameof(theta));
            if (width <= 0 || height <= 0)
                throw new ArgumentException($"The image size must be positive; got {width}x{height}.",
                    width <= 0 ? nameof(width) : nameof(height));
            double s = theta[0], tx = theta[1], ty = theta[2];
            return new PixelBox((tx - s + 1) * width / 2, (ty - s + 1) * height / 2, s * width, s * height);
        }
    }
}
