using System;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Functional
{
    /// <summary>
    /// Parameter counts, identity parameters and sampling grids of every <see cref="SpatialTransformKind"/>.
    /// Convention: theta [N,P] maps the regular target grid of any output size H'xW' to source points in normalised
    /// coordinates (align_corners = false, see <see cref="NormalizedGrid"/>); the grid is [N,H',W',2] holding (x, y).
    /// </summary>
    public static class TransformFamily
    {
        /// <summary>The default thin plate spline grid: 4 x 4 = 16 control points, as the paper.</summary>
        public const int DefaultTpsGridSize = 4;

        /// <summary>Number of parameters P of a transform of <paramref name="kind"/>.</summary>
        public static int ParameterCount(SpatialTransformKind kind, int tpsGridSize = DefaultTpsGridSize) => kind switch
        {
            SpatialTransformKind.Affine => 6,
            SpatialTransformKind.Attention => 3,
            SpatialTransformKind.Similarity => 4,
            SpatialTransformKind.Translation => 2,
            SpatialTransformKind.Projective => 8,
            SpatialTransformKind.ThinPlateSpline => CheckedTps(tpsGridSize) * tpsGridSize * 2,
            _ => throw new ArgumentException($"kind must be a spatial transform; got {kind}.", nameof(kind)),
        };

        /// <summary>
        /// Parameters of the identity transform (the bias a localisation network's last layer starts from). [P]
        /// </summary>
        public static float[] IdentityParameters(SpatialTransformKind kind, int tpsGridSize = DefaultTpsGridSize)
        {
            switch (kind)
            {
                case SpatialTransformKind.Affine: return new float[] { 1, 0, 0, 0, 1, 0 };
                case SpatialTransformKind.Attention: return new float[] { 1, 0, 0 };
                case SpatialTransformKind.Similarity: return new float[] { 0, 1, 0, 0 };
                case SpatialTransformKind.Translation: return new float[] { 0, 0 };
                case SpatialTransformKind.Projective: return new float[] { 1, 0, 0, 0, 1, 0, 0, 0 };
                case SpatialTransformKind.ThinPlateSpline:
                    using (var points = ThinPlateSpline.ControlPoints(tpsGridSize, ScalarType.Float32))
                        return points.data<float>().ToArray();
                default:
                    throw new ArgumentException($"kind must be a spatial transform; got {kind}.", nameof(kind));
            }
        }

        /// <summary>
        /// The sampling grid of theta [N,P] for an output of H'xW'. Checks theta's shape and values (one device sync);
        /// modules that call this in a training loop use <see cref="Modules.GridGenerator"/>, which precomputes
        /// constants.
        /// </summary>
        public static Tensor Grid(SpatialTransformKind kind, Tensor theta, long outputHeight, long outputWidth,
            int tpsGridSize = DefaultTpsGridSize)
        {
            ArgumentChecks.CheckTheta(theta, kind, ParameterCount(kind, tpsGridSize));
            ArgumentChecks.CheckOutputSize(outputHeight, outputWidth);
            ArgumentChecks.CheckFinite(theta, nameof(theta));
            if (AffineMatrices.IsAffineFamily(kind))
            {
                using var scope = NewDisposeScope();
                return AffineMatrices.Grid(AffineMatrices.FromParameters(kind, theta), outputHeight, outputWidth)
                    .MoveToOuterDisposeScope();
            }
            return kind == SpatialTransformKind.Projective
                ? ProjectiveGrid.Grid(theta, outputHeight, outputWidth)
                : ThinPlateSpline.Grid(theta, tpsGridSize, outputHeight, outputWidth);
        }

        private static int CheckedTps(int tpsGridSize)
        {
            ArgumentChecks.CheckTpsGridSize(tpsGridSize);
            return tpsGridSize;
        }
    }
}
