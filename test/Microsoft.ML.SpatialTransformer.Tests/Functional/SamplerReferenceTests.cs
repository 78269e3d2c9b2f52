using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Functional
{
    /// <summary>The sampler at hand-picked points of tiny images, against values worked out by hand.</summary>
    public class SamplerReferenceTests
    {
        /// <summary>A 1-point grid at normalised (x, y). [1,1,1,2]</summary>
        private static Tensor Point(double x, double y) => tensor(new[] { x, y }).reshape(1, 1, 1, 2);

        private static double Sample(Tensor image, double x, double y, SamplingMode mode = SamplingMode.Bilinear,
            PaddingMode padding = PaddingMode.Zeros)
            => GridSampling.Sample(image, Point(x, y), mode, padding).item<double>();

        [Fact]
        public void BilinearOnA2x2Image()
        {
            using var scope = NewDisposeScope();
            var image = tensor(new double[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2);
            // The image centre lies between all four pixels: their mean.
            Assert.Equal(2.5, Sample(image, 0, 0), 1e-12);
            // x at column 0's centre (-0.5), y halfway: the mean of 1 and 3.
            Assert.Equal(2.0, Sample(image, -0.5, 0), 1e-12);
            // x = 0.25 is pixel coordinate 0.75 (3/4 of the way to column 1); y on row 0's centre: 1/4 * 1 + 3/4 * 2.
            Assert.Equal(1.75, Sample(image, 0.25, -0.5), 1e-12);
            // Nearest takes the closest centre: (0.25, -0.5) -> row 0, column 1.
            Assert.Equal(2.0, Sample(image, 0.25, -0.5, SamplingMode.Nearest), 1e-12);
        }

        [Fact]
        public void PaddingModesOutsideA3x3Image()
        {
            using var scope = NewDisposeScope();
            var image = tensor(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }).reshape(1, 1, 3, 3);
            // x = 1.5 is pixel coordinate 3.25 (edges at -0.5 and 2.5); y = 0 is row 1.
            Assert.Equal(0.0, Sample(image, 1.5, 0, padding: PaddingMode.Zeros), 1e-12); // both neighbours outside
            Assert.Equal(6.0, Sample(image, 1.5, 0, padding: PaddingMode.Border), 1e-12); // clamped to column 2
            // mirrored to 1.75
            Assert.Equal(0.25 * 5 + 0.75 * 6, Sample(image, 1.5, 0, padding: PaddingMode.Reflection), 1e-12);
        }

        [Fact]
        public void EveryChannelGetsTheSameWarp()
        {
            using var scope = NewDisposeScope();
            var channel = rand(2, 1, 6, 5, dtype: ScalarType.Float64);
            var image = cat(new[] { channel, 2 * channel, -3 * channel }, 1);     // [2,3,6,5]
            var theta = Kinds.Perturbed(SpatialTransformKind.Affine, 4, 2);
            // [2,3,4,7]
            var output = GridSampling.Sample(image, TransformFamily.Grid(SpatialTransformKind.Affine, theta, 4, 7));
            TensorChecks.AssertClose(2 * output[.., 0..1], output[.., 1..2], 1e-12);
            TensorChecks.AssertClose(-3 * output[.., 0..1], output[.., 2..3], 1e-12);
        }
    }
}
