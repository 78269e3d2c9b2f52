using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Functional
{
    /// <summary>
    /// Thin plate spline grid generator. K = k x k control points c_i lie on a regular grid over [-1, 1]^2 in the
    /// target frame (row-major: y outer, x inner). theta [N,2K] holds the source position (x, y) of each control point,
    /// so the identity parameters are the control points themselves. The source of a target point p is
    ///   f(p) = a0 + a1 x + a2 y + sum_i w_i U(|p - c_i|^2),  U(r2) = r2 log r2,
    /// the unique interpolant with f(c_i) = theta_i and zero affine moments of w. Because the control points are fixed,
    /// the map theta -> grid is linear: grid = M theta with M [H'W',K] precomputed once per output size.
    /// </summary>
    public static class ThinPlateSpline
    {
        /// <summary>Control points in the target frame. [k*k, 2] (x, y)</summary>
        public static Tensor ControlPoints(int gridSize, ScalarType dtype = ScalarType.Float32, Device device = null)
        {
            ArgumentChecks.CheckTpsGridSize(gridSize);
            using var scope = NewDisposeScope();
            var axis = linspace(-1.0, 1.0, gridSize, dtype: ScalarType.Float64, device: device); // [k]
            var x = axis.unsqueeze(0).expand(gridSize, gridSize).reshape(-1);                    // [K]
            var y = axis.unsqueeze(1).expand(gridSize, gridSize).reshape(-1);                    // [K]
            return stack(new[] { x, y }, 1).to(dtype).MoveToOuterDisposeScope();                 // [K,2]
        }

        /// <summary>The radial basis U(|a_i - b_j|^2) = r2 log r2 (0 at r = 0). a [A,2], b [B,2] -> [A,B]</summary>
        public static Tensor Kernel(Tensor a, Tensor b)
        {
            using var scope = NewDisposeScope();
            var diff = a.unsqueeze(1) - b.unsqueeze(0);     // [A,B,2]
            var r2 = diff.pow(2).sum(-1);                   // [A,B]
            // where(r2 > 0) keeps 0 * log 0 from becoming NaN.
            var u = where(r2 > 0, r2 * log(r2.clamp_min(1e-30)), zeros_like(r2));
            return u.MoveToOuterDisposeScope();
        }

        /// <summary>
        /// The linear map from control-point source positions to the source positions of <paramref name="targets"/>
        /// [M,2] (x, y in the target frame): T [M,K] with f(targets) = T @ theta.view(N,K,2). Solved in float64.
        /// </summary>
        public static Tensor TransformMatrix(int gridSize, Tensor targets)
        {
            using var scope = NewDisposeScope();
            var device = targets.device;
            var c = ControlPoints(gridSize, ScalarType.Float64, device);                 // [K,2]
            long k = c.shape[0];
            var p = cat(new[] { ones(k, 1, dtype: ScalarType.Float64, device: device), c }, 1); // [K,3] (1, x, y)
            // L = [[U(c,c), P], [P^T, 0]]: the interpolation system, solved once for unit right-hand sides.
            var top = cat(new[] { Kernel(c, c), p }, 1);                                   // [K,K+3]
            var bottom = cat(new[] { p.t(), zeros(3, 3, dtype: ScalarType.Float64, device: device) }, 1); // [3,K+3]
            var system = cat(new[] { top, bottom }, 0);                                    // [K+3,K+3]
            var inverse = linalg.inv(system)[.., ..(int)k];                               // [K+3,K]
            var t = targets.to_type(ScalarType.Float64);                                   // [M,2]
            // [M,3] (1, x, y)
            var affine = cat(new[] { ones(t.shape[0], 1, dtype: ScalarType.Float64, device: device), t }, 1);
            var basis = cat(new[] { Kernel(t, c), affine }, 1);                            // [M,K+3]
            return matmul(basis, inverse).MoveToOuterDisposeScope();                       // [M,K] float64
        }

        /// <summary>
        /// Source positions of arbitrary target points: theta [N,2K], targets [M,2] -> [N,M,2] (theta's dtype).
        /// </summary>
        public static Tensor Evaluate(Tensor theta, int gridSize, Tensor targets)
        {
            using var scope = NewDisposeScope();
            var m = TransformMatrix(gridSize, targets).to(theta.dtype, theta.device);   // [M,K]
            return matmul(m, theta.reshape(theta.shape[0], -1, 2)).MoveToOuterDisposeScope(); // [N,M,2]
        }

        /// <summary>
        /// The linear map from control-point targets to grid positions: M [H'*W', K], computed in float64 and returned
        /// in <paramref name="dtype"/>. grid [N,H'*W',2] = M @ theta.view(N,K,2).
        /// </summary>
        public static Tensor SamplingMatrix(int gridSize, long outputHeight, long outputWidth,
            ScalarType dtype = ScalarType.Float32, Device device = null)
        {
            ArgumentChecks.CheckOutputSize(outputHeight, outputWidth);
            using var scope = NewDisposeScope();
            // [H'W',3] (x, y, 1)
            var target = NormalizedGrid.Homogeneous(outputHeight, outputWidth, ScalarType.Float64, device);
            return TransformMatrix(gridSize, target[.., ..2]).to(dtype).MoveToOuterDisposeScope();          // [H'W',K]
        }

        /// <summary>theta [N,2K] and a precomputed sampling matrix [H'*W',K] -> grid [N,H',W',2].</summary>
        public static Tensor Grid(Tensor theta, Tensor samplingMatrix, long outputHeight, long outputWidth)
        {
            using var scope = NewDisposeScope();
            var targets = theta.reshape(theta.shape[0], -1, 2);       // [N,K,2]
            var grid = matmul(samplingMatrix, targets);              // [N,H'W',2]
            return grid.reshape(-1, outputHeight, outputWidth, 2).MoveToOuterDisposeScope(); // [N,H',W',2]
        }

        /// <summary>theta [N,2K] -> grid [N,H',W',2], building the sampling matrix on the fly.</summary>
        public static Tensor Grid(Tensor theta, int gridSize, long outputHeight, long outputWidth)
        {
            using var scope = NewDisposeScope();
            var m = SamplingMatrix(gridSize, outputHeight, outputWidth, theta.dtype, theta.device); // [H'W',K]
            return Grid(theta, m, outputHeight, outputWidth).MoveToOuterDisposeScope();
        }
    }
}
