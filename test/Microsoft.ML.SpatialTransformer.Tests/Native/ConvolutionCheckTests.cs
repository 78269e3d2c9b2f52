using System.Runtime.InteropServices;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    public class ConvolutionCheckTests
    {
        [Theory]
        [InlineData(2, 20, 7, 5, 2)]   // the localisation CNN's second convolution, where a broken oneDNN gave NaN
        [InlineData(64, 20, 14, 5, 2)]
        [InlineData(3, 1, 28, 9, 4)]   // the classifier CNN's first convolution
        public void AfterLoadingFloat32ConvolutionsAgreeWithFloat64(int batch, int channels, int size, int kernel, int padding)
        {
            TorchNativeLibrary.EnsureLoaded();
            using var scope = NewDisposeScope();
            using var generator = new Generator(7);
            var x = rand(new long[] { batch, channels, size, size }, generator: generator, dtype: ScalarType.Float64);       // [N,C,H,W]
            var w = rand(new long[] { 16, channels, kernel, kernel }, generator: generator, dtype: ScalarType.Float64) - 0.5; // [O,C,k,k]
            var pad = new long[] { padding, padding };
            var exact = nn.functional.conv2d(x, w, padding: pad);
            var single = nn.functional.conv2d(x.to_type(ScalarType.Float32), w.to_type(ScalarType.Float32), padding: pad);
            Assert.True(single.isfinite().all().item<bool>(), "float32 convolution returned NaN or infinity");
            double error = (single.to_type(ScalarType.Float64) - exact).abs().max().item<double>() / exact.abs().max().item<double>();
            Assert.True(error < 1e-5, $"relative error {error:E2}");
        }

        [Fact]
        public void TheCheckPassesAfterLoadingAndItsSwitchIsReachableOnLinux()
        {
            TorchNativeLibrary.EnsureLoaded();
            double error = ConvolutionCheck.Error();
            Assert.True(error <= 1e-4, $"error {error:E2}");
            bool? mkldnn = ATenContext.MkldnnEnabled;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) Assert.NotNull(mkldnn);
            // oneDNN stays on unless the check found it broken, and then the warning says so.
            Assert.Equal(mkldnn == false, TorchNativeLibrary.Warning is not null);
        }
    }
}
