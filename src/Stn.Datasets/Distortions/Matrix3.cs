using System;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// A 3x3 matrix of doubles acting on homogeneous 2-D points (x, y, 1): affine maps and homographies.
    /// </summary>
    internal readonly struct Matrix3
    {
        private readonly double[] _m; // row-major [3x3]

        public Matrix3(double m00, double m01, double m02, double m10, double m11, double m12, double m20,
            double m21, double m22)
        {
            _m = new[] { m00, m01, m02, m10, m11, m12, m20, m21, m22 };
        }

        public double this[int row, int column] => _m[3 * row + column];

        public static Matrix3 Identity => new Matrix3(1, 0, 0, 0, 1, 0, 0, 0, 1);

        public static Matrix3 Translation(double tx, double ty) => new Matrix3(1, 0, tx, 0, 1, ty, 0, 0, 1);

        public static Matrix3 Scale(double sx, double sy) => new Matrix3(sx, 0, 0, 0, sy, 0, 0, 0, 1);

        /// <summary>
        /// [[cos, -sin], [sin, cos]]: counter-clockwise in a y-up frame, clockwise on screen (y down).
        /// </summary>
        public static Matrix3 Rotation(double radians)
        {
            double c = Math.Cos(radians), s = Math.Sin(radians);
            return new Matrix3(c, -s, 0, s, c, 0, 0, 0, 1);
        }

        public static Matrix3 operator *(Matrix3 a, Matrix3 b)
        {
            var r = new double[9];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    r[3 * i + j] = a[i, 0] * b[0, j] + a[i, 1] * b[1, j] + a[i, 2] * b[2, j];
            return new Matrix3(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]);
        }

        /// <summary>Applies the map to (x, y), dividing by the homogeneous coordinate.</summary>
        public (double X, double Y) Apply(double x, double y)
        {
            double w = this[2, 0] * x + this[2, 1] * y + this[2, 2];
            return ((this[0, 0] * x + this[0, 1] * y + this[0, 2]) / w,
                (this[1, 0] * x + this[1, 1] * y + this[1, 2]) / w);
        }

        /// <summary>
        /// The matrix scaled so that its bottom-right entry is 1 (the homography convention h33 = 1).
        /// </summary>
        public Matrix3 NormalizeH33()
        {
            double d = this[2, 2];
            if (Math.Abs(d) < 1e-12)
                throw new InvalidOperationException($"Cannot scale a homography with h33 = {d} to h33 = 1.");
            return new Matrix3(_m[0] / d, _m[1] / d, _m[2] / d, _m[3] / d, _m[4] / d, _m[5] / d, _m[6] / d,
                _m[7] / d, 1);
        }
    }
}
