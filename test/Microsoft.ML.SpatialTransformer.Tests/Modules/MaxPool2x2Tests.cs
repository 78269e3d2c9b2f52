using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Modules
{
    public class MaxPool2x2Tests
    {
        [Theory]
        [InlineData(3, 10, 24, 24, false)]
        [InlineData(2, 8, 11, 11, false)]  // odd: the last row and column are dropped, as max_pool2d does
        [InlineData(2, 1, 28, 27, false)]
        [InlineData(3, 10, 24, 24, true)]  // a channels-last input (a convolution's output here) stays channels-last
        [InlineData(2, 20, 9, 8, true)]
        public void WithoutGradientItIsMaxPool2dExactly(int n, int c, int h, int w, bool channelsLast)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(3);
            var x = randn(new long[] { n, c, h, w }, generator: generator);                     // [N,C,H,W]
            if (channelsLast) x = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);      // NHWC memory
            x[0, 0, 0, 0] = x[0, 0, 0, 1];                                                      // a tie
            using var pool = new MaxPool2x2();
            Tensor y;
            using (no_grad()) y = pool.call(x);
            var expected = nn.functional.max_pool2d(x.contiguous(), 2);
            Assert.Equal(expected.shape, y.shape);
            Assert.True(expected.equal(y).all().item<bool>());
            if (channelsLast && c > 1) Assert.Equal(1, y.stride(1));
        }

        [Fact]
        public void WithGradientItIsMaxPool2dAndItsGradient()
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(4);
            var x = randn(new long[] { 2, 3, 6, 6 }, generator: generator);
            x[0, 0, 0, 0] = x[0, 0, 0, 1]; // at a tie max_pool2d's gradient goes to one input, not half to each
            var a = x.clone().requires_grad_();
            var b = x.clone().requires_grad_();
            using var pool = new MaxPool2x2();
            var upstream = randn(new long[] { 2, 3, 3, 3 }, generator: generator);
            pool.call(a).backward(new[] { upstream });
            nn.functional.max_pool2d(b, 2).backward(new[] { upstream });
            TensorChecks.AssertClose(b.grad, a.grad, 0);
        }
    }
}
