using System;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.SpatialTransformer.Native;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    public class ConvolutionCheckTests
    {
        [Theory]
        [InlineData(2, 20, 20, 7, 5, 2)]   // the localisation CNN's second convolution, where a broken oneDNN gave NaN
        [InlineData(64, 20, 20, 10, 5, 2)]
        [InlineData(3, 1, 32, 21, 9, 4)]   // the classifier CNN's first convolution, after a spatial transformer
        [InlineData(8, 1, 10, 28, 5, 0)]   // the tutorial classifier's first convolution (one channel, gradient needed)
        [InlineData(8, 32, 64, 10, 7, 3)]  // the classifier CNN's second convolution
        [InlineData(8, 8, 10, 11, 5, 0)]   // the tutorial localisation's second convolution
        public void AfterLoadingTheNetworksConvolutionAndItsGradientsAgreeWithFloat64(int batch, int inChannels,
            int outChannels,
            int size, int kernel, int padding)
        {
            TorchNativeLibrary.EnsureLoaded();
            using var scope = NewDisposeScope();
            using var generator = new Generator(7);
            using var layer = new SafeConv2d(inChannels, outChannels, kernel, padding);
            // [N,C,H,W]
            var x = rand(new long[] { batch, inChannels, size, size }, generator: generator, dtype: ScalarType.Float64);
            int outSize = size + 2 * padding - kernel + 1;
            var upstream = rand(new long[] { batch, outChannels, outSize, outSize }, generator: generator,
                dtype: ScalarType.Float64) - 0.5;

            // float64 never goes through oneDNN: the reference.
            var weight64 = layer.weight.detach().to_type(ScalarType.Float64).requires_grad_();
            var x64 = x.detach().requires_grad_();
            var exact = nn.functional.conv2d(x64, weight64, layer.bias.detach().to_type(ScalarType.Float64),
                padding: new long[] { padding, padding });
            exact.backward(new[] { upstream });

            var x32 = x.to_type(ScalarType.Float32).requires_grad_();
            var single = layer.call(x32);
            single.backward(new[] { upstream.to_type(ScalarType.Float32) });

            AssertRelativelyClose(exact, single, "output");
            AssertRelativelyClose(x64.grad, x32.grad, "input gradient");
            AssertRelativelyClose(weight64.grad, layer.weight.grad, "weight gradient");
        }

        [Theory]
        [InlineData(1, 10, true, true)]   // one input channel needing its gradient: the zero channel is added
        [InlineData(1, 10, true, false)]
        [InlineData(1, 10, false, true)]
        [InlineData(1, 10, false, false)]
        [InlineData(20, 20, true, true)]
        [InlineData(20, 20, true, false)]
        public void TheChannelsLastLayoutComputesTheSameConvolutionAsTheStandardOne(int inChannels, int outChannels,
            bool inputGradient, bool paddedInput)
        {
            // In float64 (never oneDNN) both layouts must give the same numbers on any machine: only memory order
            // differs.
            using var scope = NewDisposeScope();
            using var generator = new Generator(3);
            // [N,C,H,W]
            var x = rand(new long[] { 3, inChannels, 9, 9 }, generator: generator, dtype: ScalarType.Float64);
            // [O,C,5,5]
            var w = rand(new long[] { outChannels, inChannels, 5, 5 }, generator: generator, dtype: ScalarType.Float64);
            var b = rand(new long[] { outChannels }, generator: generator, dtype: ScalarType.Float64); // [O]
            // [N,O,7,7]
            var upstream = rand(new long[] { 3, outChannels, 7, 7 }, generator: generator, dtype: ScalarType.Float64);
            Tensor[] Run(ConvolutionLayout layout)
            {
                var input = inputGradient ? x.detach().requires_grad_() : x.detach();
                var weight = w.detach().requires_grad_();
                var output = LayoutConvolution.Conv2d(input, weight, b, 1, layout);
                output.backward(new[] { upstream });
                return new[] { output.detach().contiguous(), inputGradient ? input.grad.contiguous() : zeros(1),
                    weight.grad.contiguous() };
            }
            var standard = Run(ConvolutionLayout.Standard);
            var channelsLast = Run(paddedInput ? ConvolutionLayout.ChannelsLastPaddedInput
                : ConvolutionLayout.ChannelsLast);
            Assert.Equal(new long[] { 3, outChannels, 7, 7 }, channelsLast[0].shape);
            for (int i = 0; i < standard.Length; i++)
                Assert.True(standard[i].allclose(channelsLast[i], rtol: 1e-12, atol: 1e-12), $"result {i} differs");
        }

        [Fact]
        public void AnInputAlreadyChannelsLastIsUsedAsItIsAndGivesTheSameConvolution()
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(5);
            var x = rand(new long[] { 2, 6, 8, 8 }, generator: generator, dtype: ScalarType.Float64); // [N,C,H,W]
            var nhwc = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // same values, NHWC memory
            Assert.Equal(new long[] { 384, 1, 48, 6 }, nhwc.stride());
            var w = rand(new long[] { 4, 6, 3, 3 }, generator: generator, dtype: ScalarType.Float64);
            var standard = LayoutConvolution.Conv2d(x, w, null, 1, ConvolutionLayout.Standard);
            var channelsLast = LayoutConvolution.Conv2d(nhwc, w, null, 1, ConvolutionLayout.ChannelsLast);
            Assert.True(standard.allclose(channelsLast, rtol: 1e-12, atol: 1e-12));
        }

        [Fact]
        public void TheCheckPassesAfterLoadingAndItsChoiceIsReported()
        {
            TorchNativeLibrary.EnsureLoaded();
            double error = ConvolutionCheck.Error(TorchNativeLibrary.ScoringConvolutionLayout);
            Assert.True(error <= 1e-4, $"error {error:E2}");
            double training = ConvolutionCheck.Error(TorchNativeLibrary.TrainingConvolutionLayout);
            Assert.True(training <= 1e-4, $"training layout's error {training:E2}");
            bool? mkldnn = ATenContext.MkldnnEnabled;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) Assert.NotNull(mkldnn);
            // The standard layout with oneDNN on, unless the check found it wrong, and then the warning says what it
            // did.
            bool workedAround = mkldnn == false
                || TorchNativeLibrary.ScoringConvolutionLayout != ConvolutionLayout.Standard;
            Assert.Equal(workedAround, TorchNativeLibrary.Warning is not null);
        }

        [Fact]
        public void WithGradientsTheLayerRunsChannelsLastWhereOneDnnIsRightAndWithoutKeepsTheScoringLayout()
        {
            TorchNativeLibrary.EnsureLoaded();
            Assert.Null(TorchNativeLibrary.TrainingLayoutOverride);
            using var scope = NewDisposeScope();
            using var generator = new Generator(11);
            using var layer = new SafeConv2d(10, 20, 5);
            var x = rand(new long[] { 4, 10, 12, 12 }, generator: generator);        // [N,C,H,W], standard strides
            var trained = layer.call(x);                                               // [4,20,8,8]
            Tensor scored;
            using (no_grad()) scored = layer.call(x);
            // Channels-last wherever oneDNN runs and computes it right (every machine these tests have run on).
            if (ATenContext.MkldnnEnabled == true && ConvolutionCheck.Error(ConvolutionLayout.ChannelsLast) <= 1e-4)
            {
                Assert.Equal(ConvolutionLayout.ChannelsLast, TorchNativeLibrary.TrainingConvolutionLayout);
                Assert.Equal(new long[] { 1280, 1, 160, 20 }, trained.stride());
            }
            if (TorchNativeLibrary.ScoringConvolutionLayout == ConvolutionLayout.Standard)
                Assert.Equal(new long[] { 1280, 64, 8, 1 }, scored.stride());
            AssertRelativelyClose(scored.to_type(ScalarType.Float64), trained.detach(), "output");
        }

        [Fact]
        public void TheConvolutionLayerKeepsTorchsParameterNamesAndShapes()
        {
            using var layer = new SafeConv2d(3, 5, 7, 3);
            var state = layer.state_dict();
            Assert.Equal(new[] { "bias", "weight" }, state.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(new long[] { 5, 3, 7, 7 }, state["weight"].shape);
            Assert.Equal(new long[] { 5 }, state["bias"].shape);
            using var output = layer.call(zeros(2, 3, 11, 11));
            Assert.Equal(new long[] { 2, 5, 11, 11 }, output.shape);
            Assert.Throws<ArgumentException>(() => new SafeConv2d(3, 5, 7, -1));
        }

        private static void AssertRelativelyClose(Tensor expected, Tensor actual, string what)
        {
            Assert.True(actual.isfinite().all().item<bool>(), $"float32 {what} holds NaN or infinity");
            double error = (actual.to_type(ScalarType.Float64) - expected).abs().max()
                .item<double>() / Math.Max(1e-12, expected.abs().max().item<double>());
            Assert.True(error < 1e-5, $"{what}: relative error {error:E2}");
        }
    }
}
