using System;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Functional
{
    /// <summary>Each family against closed forms written out by hand in the test.</summary>
    public class EquivalenceTests
    {
        private const int H = 6, W = 9;

        /// <summary>
        /// The grid of the affine map A (row-major 2x3) at every pixel centre, computed in plain C#. [1,H,W,2]
        /// </summary>
        private static Tensor AffineByHand(double[] a)
        {
            var g = zeros(1, H, W, 2, dtype: ScalarType.Float64);
            for (int i = 0; i < H; i++)
                for (int j = 0; j < W; j++)
                {
                    double x = TensorChecks.Centre(j, W), y = TensorChecks.Centre(i, H);
                    g[0, i, j, 0] = a[0] * x + a[1] * y + a[2];
                    g[0, i, j, 1] = a[3] * x + a[4] * y + a[5];
                }
            return g;
        }

        private static Tensor Grid(SpatialTransformKind kind, params double[] theta) =>
            TransformFamily.Grid(kind, tensor(theta).unsqueeze(0), H, W);

        [Fact]
        public void AffineIsA()
        {
            using var scope = NewDisposeScope();
            var a = new[] { 0.9, -0.2, 0.1, 0.3, 1.1, -0.25 };
            TensorChecks.AssertClose(AffineByHand(a), Grid(SpatialTransformKind.Affine, a), 1e-12);
        }

        [Fact]
        public void AffineGridOfABatchIsEachSamplesAndAtensAffineGrid()
        {
            // The generator's one matrix product over the batch (and its cached base grid) against ATen's affine_grid
            // and against each sample's grid by hand.
            using var scope = NewDisposeScope();
            var thetas = new[] { new[] { 0.9, -0.2, 0.1, 0.3, 1.1, -0.25 }, new[] { 1.0, 0, 0, 0, 1, 0 },
                new[] { -0.5, 0.7, 0.3, 0.2, 0.4, 0.9 } };
            var theta = stack(Array.ConvertAll(thetas, t => tensor(t)), 0);                                  // [3,6]
            using var generator = new Microsoft.ML.SpatialTransformer.Modules.GridGenerator(SpatialTransformKind.Affine,
                H, W);
            var grid = generator.call(theta); // [3,H,W,2]
            var aten = nn.functional.affine_grid(theta.view(-1, 2, 3), new long[] { 3, 1, H, W }, align_corners: false);
            TensorChecks.AssertClose(aten, grid, 1e-12);
            for (int n = 0; n < thetas.Length; n++)
                TensorChecks.AssertClose(AffineByHand(thetas[n]), grid[n].unsqueeze(0), 1e-12);
        }

        [Fact]
        public void AttentionIsIsotropicScalePlusTranslation()
        {
            using var scope = NewDisposeScope();
            TensorChecks.AssertClose(AffineByHand(new[] { 0.7, 0, 0.1, 0, 0.7, -0.2 }),
                Grid(SpatialTransformKind.Attention, 0.7, 0.1, -0.2), 1e-12);
        }

        [Fact]
        public void SimilarityIsScaledRotationPlusTranslation()
        {
            using var scope = NewDisposeScope();
            double angle = 0.3, s = 1.1, tx = 0.05, ty = 0.1;
            var a = new[] { s * Math.Cos(angle), -s * Math.Sin(angle), tx, s * Math.Sin(angle),
                s * Math.Cos(angle), ty };
            TensorChecks.AssertClose(AffineByHand(a), Grid(SpatialTransformKind.Similarity, angle, s, tx, ty), 1e-12);
        }

        [Fact]
        public void TranslationIsAShift()
        {
            using var scope = NewDisposeScope();
            TensorChecks.AssertClose(AffineByHand(new[] { 1, 0, 0.2, 0, 1, -0.3 }),
                Grid(SpatialTransformKind.Translation, 0.2, -0.3), 1e-12);
        }

        [Fact]
        public void ProjectiveWithoutPerspectiveIsAffine()
        {
            using var scope = NewDisposeScope();
            var a = new[] { 0.9, -0.2, 0.1, 0.3, 1.1, -0.25 };
            TensorChecks.AssertClose(AffineByHand(a),
                Grid(SpatialTransformKind.Projective, 0.9, -0.2, 0.1, 0.3, 1.1, -0.25, 0, 0), 1e-12);
        }

        [Fact]
        public void ProjectiveDividesByTheThirdRow()
        {
            using var scope = NewDisposeScope();
            var h = new[] { 0.9, -0.2, 0.1, 0.3, 1.1, -0.25, 0.15, -0.1 };
            var grid = Grid(SpatialTransformKind.Projective, h);
            for (int i = 0; i < H; i++)
                for (int j = 0; j < W; j++)
                {
                    double x = TensorChecks.Centre(j, W), y = TensorChecks.Centre(i, H), d = h[6] * x + h[7] * y + 1;
                    Assert.Equal((h[0] * x + h[1] * y + h[2]) / d, grid[0, i, j, 0].item<double>(), 1e-10);
                    Assert.Equal((h[3] * x + h[4] * y + h[5]) / d, grid[0, i, j, 1].item<double>(), 1e-10);
                }
        }

        [Theory]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        public void TpsMapsEachControlPointExactlyToItsDisplacedPosition(int k)
        {
            using var scope = NewDisposeScope();
            var control = ThinPlateSpline.ControlPoints(k, ScalarType.Float64);      // [K,2]
            var displaced = control + 0.1 * sin(arange(2 * k * k, dtype: ScalarType.Float64) * 2.3).reshape(k * k, 2);
            var mapped = ThinPlateSpline.Evaluate(displaced.reshape(1, -1), k, control); // [1,K,2]
            TensorChecks.AssertClose(displaced.unsqueeze(0), mapped, 1e-10);
        }

        [Fact]
        public void TpsWithAffineConsistentDisplacementIsThatAffineMap()
        {
            // With 4 corner control points moved by one affine map, the spline has no bending part: it is that map.
            using var scope = NewDisposeScope();
            var a = new[] { 0.9, -0.2, 0.1, 0.3, 1.1, -0.25 };
            var corners = new[] { (-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0) }; // row-major: y outer, x inner
            var theta = new double[8];
            for (int i = 0; i < 4; i++)
            {
                var (x, y) = corners[i];
                theta[2 * i] = a[0] * x + a[1] * y + a[2];
                theta[2 * i + 1] = a[3] * x + a[4] * y + a[5];
            }
            var grid = TransformFamily.Grid(SpatialTransformKind.ThinPlateSpline, tensor(theta).unsqueeze(0), H, W, 2);
            TensorChecks.AssertClose(AffineByHand(a), grid, 1e-10);
        }
    }
}
