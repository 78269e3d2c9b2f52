using System;

namespace Stn.Datasets.Distortions
{
    /// <summary>The homography (h33 = 1) through four point pairs, solved in doubles.</summary>
    internal static class Homography
    {
        /// <summary>
        /// H with H(from[i]) = to[i] for the four pairs. Each pair gives two linear equations in h11..h32:
        ///   h11 x + h12 y + h13 - h31 x u - h32 y u = u,   h21 x + h22 y + h23 - h31 x v - h32 y v = v,
        /// solved by Gaussian elimination with partial pivoting. Throws when three points are collinear.
        /// </summary>
        public static Matrix3 FromPoints((double X, double Y)[] from, (double X, double Y)[] to)
        {
            if (from is null || from.Length != 4)
                throw new ArgumentException($"from must hold 4 points; got {from?.Length ?? 0}.", nameof(from));
            if (to is null || to.Length != 4)
                throw new ArgumentException($"to must hold 4 points; got {to?.Length ?? 0}.", nameof(to));
            var a = new double[8, 9]; // augmented system [8 x (8 + 1)]
            for (int i = 0; i < 4; i++)
            {
                var (x, y) = from[i];
                var (u, v) = to[i];
                double[] rowU = { x, y, 1, 0, 0, 0, -x * u, -y * u, u };
                double[] rowV = { 0, 0, 0, x, y, 1, -x * v, -y * v, v };
                for (int j = 0; j < 9; j++)
                {
                    a[2 * i, j] = rowU[j];
                    a[2 * i + 1, j] = rowV[j];
                }
            }
            double[] h = Solve(a, 8);
            return new Matrix3(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1);
        }

        /// <summary>Solves the n x n system held in the augmented matrix a [n x (n+1)] (overwritten).</summary>
        private static double[] Solve(double[,] a, int n)
        {
            for (int col = 0; col < n; col++)
            {
                int pivot = col;
                for (int r = col + 1; r < n; r++)
                    if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
                if (Math.Abs(a[pivot, col]) < 1e-12)
                    throw new ArgumentException("The four point pairs do not determine a homography " +
                        "(three of them are collinear).");
                if (pivot != col)
                    for (int j = col; j <= n; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
                for (int r = col + 1; r < n; r++)
                {
                    double f = a[r, col] / a[col, col];
                    if (f == 0) continue;
                    for (int j = col; j <= n; j++) a[r, j] -= f * a[col, j];
                }
            }
            var x = new double[n];
            for (int r = n - 1; r >= 0; r--)
            {
                double sum = a[r, n];
                for (int j = r + 1; j < n; j++) sum -= a[r, j] * x[j];
                x[r] = sum / a[r, r];
            }
            return x;
        }
    }
}
