using System;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Functional
{
    /// <summary>
    /// Shape and value checks at the API boundary, with messages naming the parameter, the expected and the actual
    /// value.
    /// </summary>
    internal static class ArgumentChecks
    {
        public static string ShapeText(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

        public static void CheckTheta(Tensor theta, SpatialTransformKind kind, int parameterCount,
            string paramName = "theta")
        {
            if (theta is null) throw new ArgumentNullException(paramName);
            if (theta.dim() != 2 || theta.shape[1] != parameterCount)
                throw new ArgumentException(
                    $"{paramName} must have shape [N, {parameterCount}] for {kind}; got {ShapeText(theta)}.",
                    paramName);
            if (!theta.is_floating_point())
                throw new ArgumentException($"{paramName} must be a floating-point tensor; got {theta.dtype}.",
                    paramName);
        }

        /// <summary>
        /// Rejects NaN or infinite values (one device sync: call at the public boundary, not inside training loops).
        /// </summary>
        public static void CheckFinite(Tensor t, string paramName)
        {
            using var scope = NewDisposeScope();
            if (!isfinite(t).all().item<bool>())
            {
                long bad = (~isfinite(t)).nonzero()[0, 0].item<long>();
                throw new ArgumentException($"{paramName} must be finite; got NaN or infinity in row {bad}.",
                    paramName);
            }
        }

        public static void CheckOutputSize(long outputHeight, long outputWidth)
        {
            if (outputHeight <= 0)
                throw new ArgumentException($"outputHeight must be positive; got {outputHeight}.",
                    nameof(outputHeight));
            if (outputWidth <= 0)
                throw new ArgumentException($"outputWidth must be positive; got {outputWidth}.", nameof(outputWidth));
        }

        public static void CheckImage(Tensor input, string paramName = "input")
        {
            if (input is null) throw new ArgumentNullException(paramName);
            if (input.dim() != 4)
                throw new ArgumentException($"{paramName} must be 4-D [N, C, H, W]; got " +
                    $"{input.dim()}-D {ShapeText(input)}.", paramName);
            if (input.shape.Any(d => d == 0))
                throw new ArgumentException($"{paramName} must have no empty dimension; got {ShapeText(input)}.",
                    paramName);
            if (!input.is_floating_point())
                throw new ArgumentException($"{paramName} must be a floating-point tensor; got {input.dtype}.",
                    paramName);
        }

        public static void CheckGrid(Tensor input, Tensor grid, string paramName = "grid")
        {
            if (grid is null) throw new ArgumentNullException(paramName);
            if (grid.dim() != 4 || grid.shape[3] != 2 || grid.shape[0] != input.shape[0])
                throw new ArgumentException(
                    $"{paramName} must have shape [{input.shape[0]}, H', W', 2] for input " +
                    $"{ShapeText(input)}; got {ShapeText(grid)}.", paramName);
        }

        public static void CheckTpsGridSize(int tpsGridSize)
        {
            if (tpsGridSize < 2)
                throw new ArgumentException($"tpsGridSize must be at least 2; got {tpsGridSize}.", nameof(tpsGridSize));
        }
    }
}
