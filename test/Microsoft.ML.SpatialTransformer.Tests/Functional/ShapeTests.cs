using Microsoft.ML.SpatialTransformer.Functional;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Functional
{
    public class ShapeTests
    {
        [Theory]
        [InlineData(1, 1, 8, 8, 4, 4)]    // downsample
        [InlineData(3, 3, 8, 6, 16, 12)]  // oversample
        [InlineData(3, 1, 5, 9, 7, 2)]    // different aspect
        public void OutputSizeIsIndependentOfInputSize(int n, int c, int h, int w, int outH, int outW)
        {
            foreach (SpatialTransformKind kind in new[] { SpatialTransformKind.Affine, SpatialTransformKind.Attention,
                SpatialTransformKind.Similarity, SpatialTransformKind.Translation, SpatialTransformKind.Projective,
                SpatialTransformKind.ThinPlateSpline })
            {
                using var scope = NewDisposeScope();
                var grid = TransformFamily.Grid(kind, Kinds.Perturbed(kind, 4, n, ScalarType.Float32), outH, outW);
                Assert.Equal(new long[] { n, outH, outW, 2 }, grid.shape);
                Assert.Equal(new long[] { n, c, outH, outW }, GridSampling.Sample(rand(n, c, h, w), grid).shape);
            }
        }
    }
}
