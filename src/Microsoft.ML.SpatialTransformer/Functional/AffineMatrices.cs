using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Functional
{
    /// <summary>
    /// The affine-reducible families as 2x3 matrices A with source (x_s, y_s) = A (x_t, y_t, 1), both in normalised
    /// coordinates (see <see cref="NormalizedGrid"/>). Every function is differentiable w.r.t. theta.
    /// </summary>
    public static class AffineMatrices
    {
        /// <summary>Whether <paramref name="kind"/> reduces to an affine matrix.</summary>
        public static bool IsAffineFamily(SpatialTransformKind kind) =>
            kind is SpatialTransformKind.Affine or SpatialTransformKind.Attention
                 or SpatialTransformKind.Similarity or SpatialTransformKind.Translation;

        /// <summary>theta [N,P] of an affine-family kind -> A [N,2,3].</summary>
        public static Tensor FromParameters(SpatialTransformKind kind, Tensor theta)
        {
            return kind switch
            {
                SpatialTransformKind.Affine => theta.reshape(-1, 2, 3),
                SpatialTransformKind.Attention => FromAttention(theta),
                SpatialTransformKind.Similarity => FromSimilarity(theta),
                SpatialTransformKind.Translation => FromTranslation(theta),
                _ => throw new ArgumentException($"kind must be an affine-family transform; got {kind}.", nameof(kind)),
            };
        }

        /// <summary>(s, tx, ty) [N,3] -> [[s, 0, tx], [0, s, ty]] [N,2,3].</summary>
        public static Tensor FromAttention(Tensor theta)
        {
            using var scope = NewDisposeScope();
            var s = theta[.., 0];                 // [N]
            var zero = zeros_like(s);             // [N]
            var row0 = stack(new[] { s, zero, theta[.., 1] }, 1);   // [N,3]
            var row1 = stack(new[] { zero, s, theta[.., 2] }, 1);   // [N,3]
            return stack(new[] { row0, row1 }, 1).MoveToOuterDisposeScope(); // [N,2,3]
        }

        /// <summary>(angle [rad], s, tx, ty) [N,4] -> [[s cos, -s sin, tx], [s sin, s cos, ty]] [N,2,3].</summary>
        public static Tensor FromSimilarity(Tensor theta)
        {
            using var scope = NewDisposeScope();
            var angle = theta[.., 0];             // [N]
            var s = theta[.., 1];                 // [N]
            var c = s * cos(angle);               // [N]
            var n = s * sin(angle);               // [N]
            var row0 = stack(new[] { c, -n, theta[.., 2] }, 1);     // [N,3]
            var row1 = stack(new[] { n, c, theta[.., 3] }, 1);      // [N,3]
            return stack(new[] { row0, row1 }, 1).MoveToOuterDisposeScope(); // [N,2,3]
        }

        /// <summary>(tx, ty) [N,2] -> [[1, 0, tx], [0, 1, ty]] [N,2,3].</summary>
        public static Tensor FromTranslation(Tensor theta)
        {
            using var scope = NewDisposeScope();
            var one = ones_like(theta[.., 0]);    // [N]
            var zero = zeros_like(one);           // [N]
            var row0 = stack(new[] { one, zero, theta[.., 0] }, 1); // [N,3]
            var row1 = stack(new[] { zero, one, theta[.., 1] }, 1); // [N,3]
            return stack(new[] { row0, row1 }, 1).MoveToOuterDisposeScope(); // [N,2,3]
        }

        /// <summary>
        /// Sampling grid of affine matrices. matrix [N,2,3] -> grid [N,H',W',2] (x, y) in normalised coordinates.
        /// </summary>
        public static Tensor Grid(Tensor matrix, long outputHeight, long outputWidth)
        {
            using var scope = NewDisposeScope();
            // [H'*W',3]
            var homogeneous = NormalizedGrid.Homogeneous(outputHeight, outputWidth, matrix.dtype, matrix.device);
            return Grid(matrix, homogeneous, outputHeight, outputWidth).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// As <see cref="Grid(Tensor, long, long)"/> with the homogeneous base grid given ([H'*W',3], see
        /// <see cref="NormalizedGrid.Homogeneous"/>). The same grid as ATen's affine_grid (align_corners = false) in
        /// one matrix product for the whole batch, where affine_grid builds a base grid per sample and multiplies
        /// batch-wise (the benchmarks' profile command compares the two).
        /// </summary>
        public static Tensor Grid(Tensor matrix, Tensor homogeneousBase, long outputHeight, long outputWidth)
        {
            using var scope = NewDisposeScope();
            long n = matrix.shape[0];
            var columns = matrix.permute(2, 0, 1).reshape(3, n * 2); // [3, N*2]: column (n, j) is row j of A_n
            var points = mm(homogeneousBase, columns);                          // [H'*W', N*2]
            // [N,H',W',2]
            return points.view(outputHeight, outputWidth, n, 2).permute(2, 0, 1, 3).contiguous()
                .MoveToOuterDisposeScope();
        }
    }
}
