using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Functional
{
    public class IdentityTests
    {
        [Theory]
        [MemberData(nameof(Kinds.All), MemberType = typeof(Kinds))]
        public void IdentityParametersGiveThePixelCentreGrid(SpatialTransformKind kind, int tps)
        {
            using var scope = NewDisposeScope();
            var grid = TransformFamily.Grid(kind, Kinds.Identity(kind, tps, 2), 5, 7, tps); // [2,5,7,2]
            var expected = zeros(2, 5, 7, 2, dtype: ScalarType.Float64);
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 7; j++)
                {
                    expected[.., i, j, 0] = TensorChecks.Centre(j, 7);
                    expected[.., i, j, 1] = TensorChecks.Centre(i, 5);
                }
            TensorChecks.AssertClose(expected, grid, 1e-5);
        }

        [Theory]
        [MemberData(nameof(Kinds.All), MemberType = typeof(Kinds))]
        public void IdentityWarpReproducesTheInput(SpatialTransformKind kind, int tps)
        {
            using var scope = NewDisposeScope();
            var x = rand(2, 3, 5, 7);                                              // [N,C,H,W]
            var grid = TransformFamily.Grid(kind, Kinds.Identity(kind, tps, 2), 5, 7, tps);
            TensorChecks.AssertEqual(x, GridSampling.Sample(x, grid, SamplingMode.Nearest));
            TensorChecks.AssertClose(x, GridSampling.Sample(x, grid, SamplingMode.Bilinear), 1e-5);
            TensorChecks.AssertClose(x, GridSampling.Sample(x, grid, SamplingMode.Bicubic), 1e-4);
        }
    }
}
