using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Persistence;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Modules
{
    /// <summary>Issue 12: fully connected layers that do not grow with the image (FixedSizePool before them).</summary>
    public class PooledHeadTests
    {
        private static StNetworkOptions Options(int channels, int side, bool transform, int poolSide) => new()
        {
            InputChannels = channels, InputHeight = side, InputWidth = side,
            Transform = transform ? SpatialTransformKind.Affine : SpatialTransformKind.None,
            TransformOutputHeight = transform ? TransformOutputSize.Default(side) : 0,
            TransformOutputWidth = transform ? TransformOutputSize.Default(side) : 0,
            FullyConnectedInputSide = poolSide,
        };

        [Theory]
        [InlineData(1, 64)]
        [InlineData(3, 64)]
        [InlineData(1, 100)]
        [InlineData(3, 100)]
        [InlineData(1, 128)]
        [InlineData(3, 128)]
        [InlineData(3, 224)]
        public void HeadsStopGrowingAtTheSideAndTheNetworkRuns(int channels, int side)
        {
            using var scope = NewDisposeScope();
            using var plain = new StNetwork(Options(channels, side, transform: false, poolSide: 16));
            using var st = new StNetwork(Options(channels, side, transform: true, poolSide: 16));
            // CNN classifier: two 2x2 pools, 64 filters; its map side is side / 4, pooled to at most 16.
            long map = Math.Min(side / 4, 16);
            Assert.Equal(64 * map * map, plain.Head.weight.shape[1]);
            // The localisation CNN pools twice too (20 filters), then its FC of 20.
            var loc = st.Transformers.Single().Localisation;
            var fc = loc.Trunk.modules().OfType<TorchSharp.Modules.Linear>().First();
            Assert.Equal(20 * map * map, fc.weight.shape[1]);
            // The ST's classifier sees the downsampled image (48 px for 64 < side <= 128: map 12; 224 -> 84: map 21 ->
            // 16).
            long stMap = Math.Min(TransformOutputSize.Default(side) / 4, 16);
            Assert.Equal(64 * stMap * stMap, st.Head.weight.shape[1]);

            plain.eval(); st.eval();
            using var noGrad = no_grad();
            var x = rand(2, channels, side, side);                                   // [2,C,H,W]
            Assert.Equal(new long[] { 2, 10 }, plain.call(x).shape);
            var (logits, thetas) = st.ForwardWithThetas(x);
            Assert.Equal(new long[] { 2, 10 }, logits.shape);
            Assert.Equal(new long[] { 2, 6 }, thetas.Single().shape);
        }

        [Fact]
        public void ParameterCountNoLongerDependsOnTheImageSizePastThePool()
        {
            long Count(int side)
            {
                using var net = new StNetwork(Options(3, side, transform: false, poolSide: 16));
                return net.parameters().Sum(p => p.numel());
            }
            Assert.Equal(Count(128), Count(224));
            Assert.Equal(Count(128), Count(512));
            using var unpooled = new StNetwork(Options(3, 224, transform: false, poolSide: 0));
            Assert.True(unpooled.parameters().Sum(p => p.numel()) > 3 * Count(224));
        }

        [Fact]
        public void PoolingMatchesAnIndependentWindowAverage()
        {
            // Adaptive windows: output cell i averages rows floor(i H / h) .. ceil((i + 1) H / h) - 1, here 10 -> 4 and
            // 7 -> 3.
            using var scope = NewDisposeScope();
            using var generator = new Generator(7);
            var x = rand(new long[] { 2, 3, 10, 7 }, generator: generator);          // [2,3,10,7]
            using var pool = new FixedSizePool(4, 10, 7);
            var pooled = pool.call(x);                                               // [2,3,4,4]
            Assert.Equal(new long[] { 2, 3, 4, 4 }, pooled.shape);
            var values = x.data<float>().ToArray();
            var actual = pooled.data<float>().ToArray();
            // W = 7 <= 4? no: 7 > 4, so columns pool to 4 too.
            for (int n = 0; n < 2; n++)
                for (int c = 0; c < 3; c++)
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++)
                        {
                            int r0 = i * 10 / 4, r1 = ((i + 1) * 10 + 3) / 4, c0 = j * 7 / 4,
                                c1 = ((j + 1) * 7 + 3) / 4;
                            double sum = 0;
                            for (int r = r0; r < r1; r++)
                                for (int k = c0; k < c1; k++) sum += values[((n * 3 + c) * 10 + r) * 7 + k];
                            // A tolerance, not rounding to decimal places: two floats 1e-8 apart can round apart.
                            Assert.Equal(sum / ((r1 - r0) * (c1 - c0)), actual[((n * 3 + c) * 4 + i) * 4 + j], 1e-6);
                        }
            // The matrix form the ONNX export uses gives the same.
            var rows = tensor(FixedSizePool.AxisMatrix(10, 4), new long[] { 4, 10 });
            var columns = tensor(FixedSizePool.AxisMatrix(7, 4), new long[] { 4, 7 });
            Assert.True(matmul(matmul(rows, x), columns.t()).allclose(pooled, 1e-6, 1e-6));
        }

        [Theory]
        [InlineData(LocalisationNetworkKind.Cnn, ClassifierKind.Cnn)]
        [InlineData(LocalisationNetworkKind.Tutorial, ClassifierKind.Tutorial)]
        [InlineData(LocalisationNetworkKind.Fcn, ClassifierKind.Fcn)]
        public void ASideNoSmallerThanEveryMapBuildsTheSameNetworkAsNoPooling(LocalisationNetworkKind localisation,
            ClassifierKind classifier)
        {
            // MNIST-sized nets have maps of 7 at most: a side of 16 must leave them bit for bit as with the field off
            // (0), the same parameters drawn in the same order, the same state dict keys and the same outputs.
            var off = new StNetworkOptions { InputChannels = 1, InputHeight = 28, InputWidth = 28,
                Localisation = localisation, Classifier = classifier };
            // Drawn from a seeded generator of their own (as the trainer does), not torch's process-wide one, which
            // tests running at the same time draw from too.
            using var a = NetworkTrainer.Build(off, 5);
            using var b = NetworkTrainer.Build(off with { FullyConnectedInputSide = 16 }, 5);
            Assert.Equal(a.state_dict().Keys, b.state_dict().Keys);
            foreach (var (name, value) in a.state_dict())
            {
                Assert.Equal(value.shape, b.state_dict()[name].shape);
                Assert.True(value.equal(b.state_dict()[name]).all().item<bool>(), name);
            }
            Assert.DoesNotContain(b.modules(), m => m is FixedSizePool);
            a.eval(); b.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = rand(4, 1, 28, 28);
            Assert.True(a.call(x).equal(b.call(x)).all().item<bool>());
        }

        [Fact]
        public void TheStateDictKeysOfAPooledNetworkAreThoseOfTheUnpooledOne()
        {
            // The pool has no parameters and sits inside the existing Sequentials, so only shapes change, never names.
            var off = new StNetworkOptions { InputChannels = 3, InputHeight = 128, InputWidth = 128,
                TransformOutputHeight = 48, TransformOutputWidth = 48 };
            using var a = new StNetwork(off);
            using var b = new StNetwork(off with { FullyConnectedInputSide = 16 });
            Assert.Equal(a.state_dict().Keys, b.state_dict().Keys);
            Assert.Contains(b.modules(), m => m is FixedSizePool);
            using var tutorialA = new StNetwork(off with { Localisation = LocalisationNetworkKind.Tutorial,
                Classifier = ClassifierKind.Tutorial });
            using var tutorialB = new StNetwork(off with { Localisation = LocalisationNetworkKind.Tutorial,
                Classifier = ClassifierKind.Tutorial, FullyConnectedInputSide = 4 });
            Assert.Equal(tutorialA.state_dict().Keys, tutorialB.state_dict().Keys);
        }

        [Theory]
        [InlineData(64, 3, false)]
        [InlineData(128, 3, true)]
        [InlineData(224, 1, true)]
        [InlineData(100, 3, false)]
        public void TheLoadTimeSizeBoundCoversThePooledNetworkAndShrinksWithIt(int side, int channels, bool transform)
        {
            var pooled = Options(channels, side, transform, poolSide: 16);
            var unpooled = pooled with { FullyConnectedInputSide = 0 };
            using var net = new StNetwork(pooled);
            long parameters = net.parameters().Sum(p => p.numel());
            Assert.True(NetworkSizeBound.Of(pooled).Parameters >= parameters);
            Assert.True(NetworkSizeBound.Of(pooled).Parameters <= NetworkSizeBound.Of(unpooled).Parameters);
            if (side >= 100)
                Assert.True(NetworkSizeBound.Of(pooled).Parameters < NetworkSizeBound.Of(unpooled).Parameters);
        }

        [Fact]
        public void ANegativeSideIsRefusedNamingTheField()
        {
            var e = Assert.Throws<ArgumentException>(() =>
                new StNetworkOptions { FullyConnectedInputSide = -1 }.Validate());
            Assert.Equal(nameof(StNetworkOptions.FullyConnectedInputSide), e.ParamName);
            Assert.Contains("got -1", e.Message);
        }

        [Theory]
        [InlineData(28, 28)]
        [InlineData(64, 64)]
        [InlineData(65, 48)]
        [InlineData(96, 48)]
        [InlineData(100, 48)]
        [InlineData(128, 48)]
        [InlineData(160, 60)]
        [InlineData(224, 84)]
        [InlineData(256, 96)]
        public void TheDefaultDownsamplingOutputIsThreeEighthsOfTheSideAndAtLeast48(int input, int expected)
            => Assert.Equal(expected, TransformOutputSize.Default(input));
    }
}
