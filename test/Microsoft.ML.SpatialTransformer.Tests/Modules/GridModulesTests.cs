using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Functional;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Modules
{
    public class GridModulesTests
    {
        [Theory]
        [MemberData(nameof(Kinds.All), MemberType = typeof(Kinds))]
        public void ForwardAndBackwardLeaveNoNativeTensorBehind(SpatialTransformKind kind, int tps)
        {
            using var generator = new GridGenerator(kind, 6, 5, tps);
            using var sampler = new GridSampler();
            TensorChecks.AssertNoLeak(() =>
            {
                var theta = Kinds.Perturbed(kind, tps, 3, ScalarType.Float32).requires_grad_(true);
                var x = rand(3, 2, 8, 7).requires_grad_(true);
                sampler.call(x, generator.call(theta)).sum().backward();
                Assert.True(theta.grad.abs().sum().item<float>() > 0);
            });
        }

        [Theory]
        [MemberData(nameof(Kinds.All), MemberType = typeof(Kinds))]
        public void ModuleMatchesTheFunctionalGridInFloat32AndFloat64(SpatialTransformKind kind, int tps)
        {
            using var scope = NewDisposeScope();
            using var generator = new GridGenerator(kind, 4, 6, tps);
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            {
                var theta = Kinds.Perturbed(kind, tps, 2, dtype);
                var grid = generator.call(theta);
                Assert.Equal(dtype, grid.dtype);
                TensorChecks.AssertClose(TransformFamily.Grid(kind, theta, 4, 6, tps), grid,
                    dtype == ScalarType.Float64 ? 1e-6 : 1e-5);
            }
            Assert.Equal(TransformFamily.ParameterCount(kind, tps), generator.ParameterCount);
            Assert.Equal(TransformFamily.IdentityParameters(kind, tps), generator.IdentityParameters);
        }

        [Fact]
        public void PrecomputedConstantsAreNotSaved()
        {
            // Base grids and TPS matrices are derived from the configuration: a generator on its own keeps them out
            // of its state_dict (inside a network the parent's RegisterComponents registers them; see GridGenerator).
            using var tps = new GridGenerator(SpatialTransformKind.ThinPlateSpline, 8, 8);
            using var projective = new GridGenerator(SpatialTransformKind.Projective, 8, 8);
            Assert.Empty(tps.state_dict());
            Assert.Empty(projective.state_dict());
            Assert.True(tps.has_buffer("constant"));
        }

        [Fact]
        public void WrongThetaWidthAtForwardNamesTheKind()
        {
            using var scope = NewDisposeScope();
            using var generator = new GridGenerator(SpatialTransformKind.Similarity, 4, 4);
            var e = Assert.Throws<System.ArgumentException>(() => generator.call(zeros(2, 6)));
            Assert.Contains("[N, 4] for Similarity; got [2, 6]", e.Message);
        }
    }
}
