using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Modules
{
    public class StNetworkTests
    {
        private static readonly StNetworkOptions Tutorial = new()
        {
            Transform = SpatialTransformKind.Affine, Localisation = LocalisationNetworkKind.Tutorial,
            Classifier = ClassifierKind.Tutorial,
        };

        [Fact]
        public void TutorialStCnnHasPyTorchsParameterCount()
        {
            // PyTorch tutorial, layer by layer: weights + biases.
            long classifier = (1 * 10 * 5 * 5 + 10) + (10 * 20 * 5 * 5 + 20) + (320 * 50 + 50) + (50 * 10 + 10);
            long localisation = (1 * 8 * 7 * 7 + 8) + (8 * 10 * 5 * 5 + 10) + (90 * 32 + 32) + (32 * 6 + 6);
            using var net = new StNetwork(Tutorial);
            Assert.Equal(classifier + localisation, net.parameters().Sum(p => p.numel()));
            Assert.Equal(localisation, net.LocalisationParameters().Sum(p => p.numel()));
        }

        [Fact]
        public void TutorialStateDictKeysAreStable()
        {
            // Saved models depend on these names: changing one breaks every model saved before.
            using var net = new StNetwork(Tutorial);
            var keys = net.state_dict().Keys.ToArray();
            Assert.Equal(new[]
            {
                "input_transformers.transformers.0.localisation.trunk.0.0.weight",
                "input_transformers.transformers.0.localisation.trunk.0.0.bias",
                "input_transformers.transformers.0.localisation.trunk.0.3.weight",
                "input_transformers.transformers.0.localisation.trunk.0.3.bias",
                "input_transformers.transformers.0.localisation.trunk.1.weight",
                "input_transformers.transformers.0.localisation.trunk.1.bias",
                "input_transformers.transformers.0.localisation.head.linear.weight",
                "input_transformers.transformers.0.localisation.head.linear.bias",
                "branches.0.stages.0.0.weight", "branches.0.stages.0.0.bias", "branches.0.stages.1.0.weight",
                "branches.0.stages.1.0.bias",
                "branches.0.tail.1.weight", "branches.0.tail.1.bias", "head.weight", "head.bias",
            }, keys);
        }

        [Theory]
        [InlineData(SpatialTransformKind.Affine, LocalisationNetworkKind.Cnn)]
        [InlineData(SpatialTransformKind.Attention, LocalisationNetworkKind.Fcn)]
        [InlineData(SpatialTransformKind.Similarity, LocalisationNetworkKind.Tutorial)]
        [InlineData(SpatialTransformKind.Translation, LocalisationNetworkKind.Cnn)]
        [InlineData(SpatialTransformKind.Projective, LocalisationNetworkKind.Fcn)]
        [InlineData(SpatialTransformKind.ThinPlateSpline, LocalisationNetworkKind.Cnn)]
        public void FreshTransformerIsTheIdentity(SpatialTransformKind kind, LocalisationNetworkKind localisation)
        {
            using var scope = NewDisposeScope();
            using var st = new SpatialTransformerModule(kind, 3, 28, 28, localisation);
            var x = rand(2, 3, 28, 28);
            var (output, theta) = st.call(x);
            var identity = tensor(TransformFamily.IdentityParameters(kind)).expand(2, -1);
            Assert.True(theta.eq(identity).all().item<bool>(), "theta of a fresh ST must be the identity exactly");
            Assert.True((output - x).abs().max().item<float>() < 1e-5);
        }

        [Theory]
        [InlineData(ClassifierKind.Fcn, 28, 1, 0)]
        [InlineData(ClassifierKind.Cnn, 42, 2, 0)]
        [InlineData(ClassifierKind.Cnn, 60, 1, 2)]
        [InlineData(ClassifierKind.Tutorial, 28, 1, 1)]
        public void ShapesOfParallelAndSeriesNetworks(ClassifierKind classifier, int side, int parallel, int series)
        {
            using var scope = NewDisposeScope();
            using var net = new StNetwork(new StNetworkOptions
            {
                InputChannels = parallel, InputHeight = side, InputWidth = side, Classes = 19, Classifier = classifier,
                ParallelTransformers = parallel, SeriesTransformers = series, DownsampleAfterTransform = series == 0
                    && side > 28,
            });
            foreach (int n in new[] { 1, 3 })
            {
                var (logits, thetas) = net.ForwardWithThetas(rand(n, parallel, side, side));
                Assert.Equal(new long[] { n, 19 }, logits.shape);
                Assert.Equal(Math.Max(parallel, series), thetas.Length);
                Assert.All(thetas, t => Assert.Equal(new long[] { n, 6 }, t.shape));
            }
        }

        [Fact]
        public void TooSmallInputNamesTheNetworkAndMinimum()
        {
            var e = Assert.Throws<ArgumentException>(() =>
                new StNetwork(Tutorial with { InputHeight = 12, InputWidth = 12 }));
            Assert.Contains("at least 20x20; got 12x12", e.Message);
        }
    }
}

namespace Microsoft.ML.SpatialTransformer.Tests.Modules
{
    public class StNetworkLeakTests
    {
        [Fact]
        public void TrainingStepsLeaveNoNativeTensorBehind()
        {
            using var net = new StNetwork(new StNetworkOptions { Transform = SpatialTransformKind.ThinPlateSpline,
                ParallelTransformers = 2, Classifier = ClassifierKind.Fcn });
            using var optimizer = TorchSharp.torch.optim.Adam(net.parameters());
            Infrastructure.TensorChecks.AssertNoLeak(() =>
            {
                for (int step = 0; step < 3; step++)
                {
                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    var (logits, thetas) = net.ForwardWithThetas(rand(4, 1, 28, 28));
                    TorchSharp.torch.nn.functional.cross_entropy(logits, tensor(new long[] { 0, 1, 2, 3 })).backward();
                    optimizer.step();
                    Assert.Equal(2, thetas.Length);
                }
            });
        }
    }
}
