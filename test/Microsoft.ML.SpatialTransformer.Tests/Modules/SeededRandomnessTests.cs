using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Training;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Modules
{
    /// <summary>
    /// Seeded initialisation and dropout use generators of their own, so nothing else in the process changes them.
    /// </summary>
    public class SeededRandomnessTests
    {
        private static readonly StNetworkOptions Network = new()
        {
            InputChannels = 1, InputHeight = 28, InputWidth = 28, Classes = 10, Transform = SpatialTransformKind.Affine,
            Localisation = LocalisationNetworkKind.Cnn, Classifier = ClassifierKind.Tutorial,
        };

        [Fact]
        public void EvalModeDropoutIsTheIdentity()
        {
            using var scope = NewDisposeScope();
            using var dropout = new SeededDropout(0.5);
            dropout.eval();
            var x = rand(4, 3, 5, 5);
            TensorChecks.AssertEqual(x, dropout.call(x));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TrainingDropoutEqualsAMaskDrawnIndependentlyFromTheSameSeed(bool channels)
        {
            using var scope = NewDisposeScope();
            const double p = 0.3;
            using var dropout = new SeededDropout(p, channels);
            using var generator = new Generator(42);
            dropout.Generator = generator;
            var x = rand(4, 6, 5, 5) + 1;                                                    // [N,C,H,W], no zeros
            var y = dropout.call(x);

            using var reference = new Generator(42);
            var maskShape = channels ? new long[] { 4, 6, 1, 1 } : new long[] { 4, 6, 5, 5 };
            var keep = rand(maskShape, generator: reference).ge(p).to_type(ScalarType.Float32); // independent draw
            TensorChecks.AssertClose(x * keep / (1 - p), y, 1e-6);
            if (channels) // a dropped channel is zero everywhere, a kept one nowhere
            {
                var zeroPerChannel = y.eq(0).to_type(ScalarType.Float32).mean(new long[] { 2, 3 }); // [N,C]
                Assert.True(zeroPerChannel.eq(0).logical_or(zeroPerChannel.eq(1)).all().item<bool>());
            }
        }

        [Fact]
        public void BuildGivesTheSameWeightsForASeedWhateverElseDrawsFromTorchsGenerator()
        {
            using var first = NetworkTrainer.Build(Network, 5);
            manual_seed(999);
            using (NewDisposeScope()) rand(1000); // another component drawing in between must not matter
            using var second = NetworkTrainer.Build(Network, 5);
            using var other = NetworkTrainer.Build(Network, 6);
            var a = first.state_dict();
            var b = second.state_dict();
            var c = other.state_dict();
            foreach (var key in a.Keys) TensorChecks.AssertEqual(a[key], b[key]);
            Assert.Contains(a.Keys, key => !a[key].eq(c[key]).all().item<bool>());
        }

        [Fact]
        public void ResetDrawsAnyTorchSharpConvolutionAsTheLibrarysOwn()
        {
            // Initialisation knows convolutions by TorchSharp's Convolution type, not by the library's layer: a plain
            // nn.Conv2d is redrawn from the same seed to the same weights.
            using var ours = nn.Sequential(new Microsoft.ML.SpatialTransformer.Native.SafeConv2d(3, 5, 7, 3));
            using var plain = nn.Sequential(nn.Conv2d(3, 5, 7, padding: 3));
            using (var generator = new Generator(8)) ParameterInitialisation.Reset(ours, generator);
            using (var generator = new Generator(8)) ParameterInitialisation.Reset(plain, generator);
            var a = ours.state_dict();
            var b = plain.state_dict();
            Assert.Equal(a.Keys.OrderBy(k => k, StringComparer.Ordinal),
                b.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var key in a.Keys) TensorChecks.AssertEqual(a[key], b[key]);
        }

        [Fact]
        public void InitialWeightsFollowPyTorchsDefaultBoundsAndRegressionHeadsStayAtTheIdentity()
        {
            using var network = NetworkTrainer.Build(Network, 11);
            var heads = network.modules().OfType<RegressionHead>().Select(h => h.Linear).ToHashSet();
            Assert.Single(heads);
            foreach (var module in network.modules())
            {
                Tensor weight = module switch { Linear l => l.weight, Convolution c => c.weight, _ => null };
                if (weight is null) continue;
                if (heads.Contains(module)) { Assert.Equal(0, weight.abs().max().item<float>()); continue; }
                double bound = 1 / Math.Sqrt(weight[0].numel());
                Assert.True(weight.abs().max().item<float>() <= bound, $"{module.GetName()} exceeds its bound {bound}");
                Assert.True(weight.abs().max().item<float>() > bound / 2,
                    $"{module.GetName()} is not spread over its bound {bound}");
            }
            var bias = heads.Single().bias;
            TensorChecks.AssertEqual(tensor(new float[] { 1, 0, 0, 0, 1, 0 }), bias);
        }
    }
}
