using System;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// Reads the core library's parameter vectors off a normalised output -> source matrix (see <see
    /// cref="PixelFrames"/>).
    /// </summary>
    internal static class ThetaFromMatrix
    {
        /// <summary>Similarity (angle [rad], s, tx, ty) of [[s cos, -s sin, tx], [s sin, s cos, ty]].</summary>
        public static void Similarity(Matrix3 m, Span<double> theta)
        {
            theta[0] = Math.Atan2(m[1, 0], m[0, 0]);
            theta[1] = Math.Sqrt(m[0, 0] * m[0, 0] + m[1, 0] * m[1, 0]);
            theta[2] = m[0, 2];
            theta[3] = m[1, 2];
        }

        /// <summary>Attention (s, tx, ty) of [[s, 0, tx], [0, s, ty]].</summary>
        public static void Attention(Matrix3 m, Span<double> theta)
        {
            theta[0] = m[0, 0];
            theta[1] = m[0, 2];
            theta[2] = m[1, 2];
        }

        /// <summary>Projective (h11, h12, h13, h21, h22, h23, h31, h32) of a homography, scaled to h33 = 1.</summary>
        public static void Projective(Matrix3 m, Span<double> theta)
        {
            var h = m.NormalizeH33();
            for (int i = 0; i < 8; i++) theta[i] = h[i / 3, i % 3];
        }
    }
}
