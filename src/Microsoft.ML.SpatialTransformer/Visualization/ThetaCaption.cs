using System;
using System.Globalization;
using System.Linq;

namespace Microsoft.ML.SpatialTransformer.Visualization
{
    /// <summary>
    /// A theta in words: angle, scale and shift for the affine family, a box for attention, the numbers otherwise.
    /// </summary>
    internal static class ThetaCaption
    {
        public static string Describe(SpatialTransformKind kind, float[] theta, int inputWidth, int inputHeight)
        {
            switch (kind)
            {
                case SpatialTransformKind.Affine:
                    if (theta[0] == 0 && theta[3] == 0) return Raw(theta);
                    var a = ThetaDecomposition.DecomposeAffine(theta);
                    return F($"rotation {a.RotationDegrees:F1}°, scale {a.ScaleX:F2} x ") +
                           F($"{a.ScaleY:F2}, shear {a.Shear:F2}, ") +
                           F($"shift ({a.TranslationX:F2}, {a.TranslationY:F2})");
                case SpatialTransformKind.Attention:
                    var box = ThetaDecomposition.AttentionBox(theta, inputWidth, inputHeight);
                    return F($"box at ({box.Left:F1}, {box.Top:F1}) px, {box.Width:F1} x {box.Height:F1} px");
                case SpatialTransformKind.Similarity:
                    return F($"rotation {theta[0] * 180 / Math.PI:F1}°, scale {theta[1]:F2}, shift ") +
                        F($"({theta[2]:F2}, {theta[3]:F2})");
                case SpatialTransformKind.Translation:
                    return F($"shift ({theta[0]:F2}, {theta[1]:F2})");
                default:
                    return Raw(theta);
            }
        }

        private static string Raw(float[] theta) =>
            "theta (" + string.Join(", ", theta.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))) + ")";

        // Captions read the same in every culture (a decimal comma would clash with the commas between values).
        private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
