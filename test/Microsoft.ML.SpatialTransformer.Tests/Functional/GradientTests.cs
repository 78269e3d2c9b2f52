using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Functional
{
    /// <summary>
    /// Autograd of grid generator + bilinear sampler against float64 central differences, for every kind.
    /// </summary>
    public class GradientTests
    {
        [Theory]
        [MemberData(nameof(Kinds.All), MemberType = typeof(Kinds))]
        public void GradientWithRespectToTheta(SpatialTransformKind kind, int tps)
        {
            using var scope = NewDisposeScope();
            var image = rand(2, 2, 5, 6, dtype: ScalarType.Float64);
            var theta = Kinds.Perturbed(kind, tps, 2);
            GradientCheck.Assert(t =>
                GridSampling.Sample(image, TransformFamily.Grid(kind, t, 4, 3, tps)) * image.mean(), theta);
        }

        [Theory]
        [MemberData(nameof(Kinds.All), MemberType = typeof(Kinds))]
        public void GradientWithRespectToTheInput(SpatialTransformKind kind, int tps)
        {
            using var scope = NewDisposeScope();
            var image = rand(2, 2, 5, 6, dtype: ScalarType.Float64);
            var grid = TransformFamily.Grid(kind, Kinds.Perturbed(kind, tps, 2), 4, 3, tps);
            // a non-uniform loss so every pixel's gradient differs
            var weights = rand(2, 2, 4, 3, dtype: ScalarType.Float64);
            GradientCheck.Assert(x => GridSampling.Sample(x, grid) * weights, image);
        }
    }
}
