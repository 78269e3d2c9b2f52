using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Functional
{
    /// <summary>
    /// Homography with h33 = 1: theta (h11, h12, h13, h21, h22, h23, h31, h32) [N,8] maps a target point to the source
    /// ((h11 x + h12 y + h13) / d, (h21 x + h22 y + h23) / d) with d = h31 x + h32 y + 1, normalised coordinates.
    /// </summary>
    public static class ProjectiveGrid
    {
        /// <summary>theta [N,8] -> H [N,3,3] with H[2,2] = 1.</summary>
        public static Tensor Matrix(Tensor theta)
        {
            using var scope = NewDisposeScope();
            var one = ones(theta.shape[0], 1, dtype: theta.dtype, device: theta.device); // [N,1]
            return cat(new[] { theta, one }, 1).reshape(-1, 3, 3).MoveToOuterDisposeScope(); // [N,3,3]
        }

        /// <summary>theta [N,8] and a homogeneous base grid [H'*W',3] -> grid [N,H',W',2].</summary>
        public static Tensor Grid(Tensor theta, Tensor homogeneousBase, long outputHeight, long outputWidth)
        {
            using var scope = NewDisposeScope();
            var h = Matrix(theta);                                    // [N,3,3]
            var points = matmul(homogeneousBase, h.transpose(1, 2));  // [N,H'*W',3]
            var xy = points[.., .., ..2] / points[.., .., 2..];       // [N,H'*W',2]
            return xy.reshape(-1, outputHeight, outputWidth, 2).MoveToOuterDisposeScope(); // [N,H',W',2]
        }

        /// <summary>theta [N,8] -> grid [N,H',W',2], building the base grid on the fly.</summary>
        public static Tensor Grid(Tensor theta, long outputHeight, long outputWidth)
        {
            using var scope = NewDisposeScope();
            // [H'*W',3]
            var homogeneous = NormalizedGrid.Homogeneous(outputHeight, outputWidth, theta.dtype, theta.device);
            return Grid(theta, homogeneous, outputHeight, outputWidth).MoveToOuterDisposeScope();
        }
    }
}
