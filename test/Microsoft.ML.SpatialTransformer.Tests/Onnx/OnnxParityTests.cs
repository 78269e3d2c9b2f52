using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Onnx;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    /// <summary>
    /// ONNX Runtime on the exported graph against TorchSharp on the network, for every part the exporter knows.
    /// </summary>
    public class OnnxParityTests
    {
        private static StNetwork Build(StNetworkOptions options, int seed = 3)
        {
            manual_seed(seed);
            var net = new StNetwork(options);
            // Move every localisation net off the identity so the grids and thetas are exercised for real.
            using (no_grad())
                foreach (var st in net.Transformers)
                    foreach (var p in st.Localisation.parameters()) p.add_(randn_like(p) * 0.05);
            net.eval();
            return net;
        }

        private static void AssertParity(StNetworkOptions options, int rows = 1000, int batch = 250, long opset = 17)
        {
            using var net = Build(options);
            using var stream = new MemoryStream();
            Google.Protobuf.MessageExtensions.WriteTo(StNetworkOnnxExporter.ToModel(net, opset), stream);
            using var session = new InferenceSession(stream.ToArray());
            int c = options.InputChannels, h = options.InputHeight, w = options.InputWidth;
            var random = new Random(7);
            double worstProbability = 0, worstTheta = 0;
            for (int start = 0; start < rows; start += batch)
            {
                var pixels = Enumerable.Range(0, batch * c * h * w).Select(_ => (float)random.NextDouble()).ToArray();
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var (logits, thetas) = net.ForwardWithThetas(tensor(pixels, new long[] { batch, c, h, w }));
                var expected = nn.functional.softmax(logits, 1);                                              // [B,K]
                using var results =
                    session.Run(new[] { NamedOnnxValue.CreateFromTensor("image",
                        new DenseTensor<float>(pixels, new[] { batch, c, h, w })) });
                var byName = results.ToDictionary(r => r.Name);
                var probabilities = byName["probabilities"].AsTensor<float>().ToArray();
                var labels = byName["predicted_label"].AsTensor<long>().ToArray();
                worstProbability = Math.Max(worstProbability, MaxDifference(expected, probabilities));
                Assert.Equal(expected.argmax(1).data<long>().ToArray(), labels);
                for (int t = 0; t < thetas.Length; t++)
                    worstTheta = Math.Max(worstTheta,
                        MaxDifference(thetas[t], byName[$"theta_{t}"].AsTensor<float>().ToArray()));
                Assert.Equal(thetas.Length, byName.Keys.Count(k => k.StartsWith("theta_")));
            }
            Assert.True(worstProbability <= 1e-4, $"probabilities differ by {worstProbability:E2}");
            Assert.True(worstTheta <= 1e-4, $"thetas differ by {worstTheta:E2}");
        }

        private static double MaxDifference(TorchSharp.torch.Tensor expected, float[] actual)
        {
            var e = expected.contiguous().data<float>().ToArray();
            Assert.Equal(e.Length, actual.Length);
            return e.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max();
        }

        [Fact]
        public void InputNormalisationWithNonTrivialStatistics()
        {
            // Issue 12: the exported graph applies the network's per-channel (x - mean) / std, here far from 0 and 1.
            var options = new StNetworkOptions
            {
                InputChannels = 3, InputHeight = 12, InputWidth = 12, Classes = 4,
                Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 8 }, Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 },
                InputNormalization = InputNormalization.PerChannelMeanStd,
            };
            using var net = Build(options);
            net.InputNormalisation.SetStatistics(new[] { 0.3, 0.55, 0.7 }, new[] { 0.05, 0.2, 0.6 });
            using var stream = new MemoryStream();
            Google.Protobuf.MessageExtensions.WriteTo(StNetworkOnnxExporter.ToModel(net), stream);
            using var session = new InferenceSession(stream.ToArray());
            var random = new Random(7);
            var pixels = Enumerable.Range(0, 64 * 3 * 144).Select(_ => (float)random.NextDouble()).ToArray();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (logits, thetas) = net.ForwardWithThetas(tensor(pixels, new long[] { 64, 3, 12, 12 }));
            using var results =
                session.Run(new[] { NamedOnnxValue.CreateFromTensor("image",
                    new DenseTensor<float>(pixels, new[] { 64, 3, 12, 12 })) });
            var byName = results.ToDictionary(r => r.Name);
            Assert.True(MaxDifference(nn.functional.softmax(logits, 1), byName["probabilities"].AsTensor<float>()
                .ToArray()) <= 1e-4);
            Assert.True(MaxDifference(thetas[0], byName["theta_0"].AsTensor<float>().ToArray()) <= 1e-4);
            // Without the Sub/Div the same weights give other scores, so the comparison above tests the normalisation.
            using var plain = net.InputNormalisation.call(tensor(pixels, new long[] { 64, 3, 12, 12 }));
            Assert.False(plain.allclose(tensor(pixels, new long[] { 64, 3, 12, 12 }), 1e-3, 1e-3));
        }

        public static TheoryData<SpatialTransformKind> Kinds => new()
        {
            SpatialTransformKind.Affine, SpatialTransformKind.Attention, SpatialTransformKind.Similarity,
            SpatialTransformKind.Translation, SpatialTransformKind.Projective, SpatialTransformKind.ThinPlateSpline,
        };

        [Theory]
        [MemberData(nameof(Kinds))]
        public void EveryTransformKind(SpatialTransformKind kind) => AssertParity(new StNetworkOptions
        {
            InputHeight = 16, InputWidth = 16, Transform = kind, Localisation = LocalisationNetworkKind.Fcn,
            LocalisationWidths = new[] { 16 },
            Classifier = ClassifierKind.Fcn, ClassifierWidths = new[] { 32 },
        });

        // Opset 12 is what ML.NET's ConvertToOnnx writes; GridSample then comes from ONNX Runtime's com.microsoft
        // domain.
        [Theory]
        [InlineData(SpatialTransformKind.Affine, SamplingMode.Bilinear, PaddingMode.Zeros)]
        [InlineData(SpatialTransformKind.Projective, SamplingMode.Nearest, PaddingMode.Border)]
        [InlineData(SpatialTransformKind.ThinPlateSpline, SamplingMode.Bilinear, PaddingMode.Reflection)]
        public void AtOpset12WithOnnxRuntimesGridSample(SpatialTransformKind kind, SamplingMode sampling,
            PaddingMode padding) => AssertParity(new StNetworkOptions
        {
            InputHeight = 16, InputWidth = 16, Transform = kind, Localisation = LocalisationNetworkKind.Cnn,
            LocalisationWidths = new[] { 8, 8, 16 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, Sampling = sampling, Padding = padding,
        }, rows: 250, opset: 12);

        [Theory]
        [InlineData(ClassifierKind.Cnn, LocalisationNetworkKind.Cnn, SamplingMode.Bilinear, PaddingMode.Border, true)]
        [InlineData(ClassifierKind.Tutorial, LocalisationNetworkKind.Tutorial, SamplingMode.Nearest,
            PaddingMode.Reflection, false)]
        [InlineData(ClassifierKind.Fcn, LocalisationNetworkKind.Fcn, SamplingMode.Bicubic, PaddingMode.Zeros, false)]
        public void ClassifiersLocalisationNetsSamplersAndPadding(ClassifierKind classifier,
            LocalisationNetworkKind localisation,
            SamplingMode sampling, PaddingMode padding, bool batchNorm) => AssertParity(new StNetworkOptions
        {
            InputHeight = 28, InputWidth = 28, Classifier = classifier, Localisation = localisation,
            Sampling = sampling, Padding = padding,
            BatchNorm = batchNorm, ClassifierWidths = classifier == ClassifierKind.Cnn ? new[] { 8, 8 } : null,
        }, rows: 500);

        [Fact]
        public void ParallelTransformersWithDownsampledOutput() => AssertParity(new StNetworkOptions
        {
            InputChannels = 2, InputHeight = 20, InputWidth = 20, Classes = 19, ParallelTransformers = 2,
            TransformOutputHeight = 12, TransformOutputWidth = 14, DownsampleAfterTransform = true,
            Localisation = LocalisationNetworkKind.Fcn, Classifier = ClassifierKind.Cnn,
            ClassifierWidths = new[] { 4, 4 },
        }, rows: 500);

        [Fact]
        public void TransformersInSeries() => AssertParity(new StNetworkOptions
        {
            InputHeight = 16, InputWidth = 16, SeriesTransformers = 2, Localisation = LocalisationNetworkKind.Fcn,
            LocalisationWidths = new[] { 8 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 4, 4 },
        }, rows: 500);

        [Fact]
        public void PlainBaseline() => AssertParity(new StNetworkOptions
        {
            Transform = SpatialTransformKind.None, InputHeight = 16, InputWidth = 16, Classifier = ClassifierKind.Cnn,
            ClassifierWidths = new[] { 4, 4 },
        }, rows: 500);

        // Issue 12: pooled heads. Where the side divides the map the export is an AveragePool, elsewhere two MatMuls.
        [Theory]
        [InlineData(1, 32, 4, ClassifierKind.Cnn, LocalisationNetworkKind.Cnn, 17)]        // maps 8 -> 4: AveragePool
        [InlineData(3, 40, 4, ClassifierKind.Cnn, LocalisationNetworkKind.Cnn, 17)] // maps 10 -> 4: windows of 3 and 2
        [InlineData(3, 44, 3, ClassifierKind.Tutorial, LocalisationNetworkKind.Tutorial, 17)]
        [InlineData(3, 40, 4, ClassifierKind.Cnn, LocalisationNetworkKind.Cnn, 12)] // ML.NET's ConvertToOnnx opset
        public void PooledHeads(int channels, int side, int poolSide, ClassifierKind classifier,
            LocalisationNetworkKind localisation, long opset)
            => AssertParity(new StNetworkOptions
            {
                InputChannels = channels, InputHeight = side, InputWidth = side, Classifier = classifier,
                Localisation = localisation, ClassifierWidths = classifier == ClassifierKind.Cnn ? new[] { 8, 8 }
                    : null, LocalisationWidths = new[] { 8, 8, 16 },
                FullyConnectedInputSide = poolSide,
            }, rows: 200, batch: 100, opset: opset);

        [Fact]
        public void PooledDownsamplingStCnnAndPlainCnnAtTheTrainersDefaultsOn100Pixels()
        {
            // 100 px: the ST samples 48 px; its localisation map 25 and the plain CNN's map 25 are pooled to 16.
            AssertParity(new StNetworkOptions
            {
                InputChannels = 3, InputHeight = 100, InputWidth = 100, TransformOutputHeight = 48,
                TransformOutputWidth = 48,
                FullyConnectedInputSide = 16,
            }, rows: 40, batch: 20);
            AssertParity(new StNetworkOptions
            {
                InputChannels = 3, InputHeight = 100, InputWidth = 100, Transform = SpatialTransformKind.None,
                FullyConnectedInputSide = 16,
            }, rows: 40, batch: 20);
        }

        [Fact]
        public void ADisposedNetworkIsRefused()
        {
            var net = Build(new StNetworkOptions { InputHeight = 16, InputWidth = 16, Classifier = ClassifierKind.Fcn,
                Localisation = LocalisationNetworkKind.Fcn });
            net.Dispose();
            var e = Assert.Throws<ObjectDisposedException>(() => StNetworkOnnxExporter.Export(net, new MemoryStream()));
            Assert.Contains("disposed", e.Message);
            Assert.Throws<ArgumentNullException>(() => StNetworkOnnxExporter.Export(null, new MemoryStream()));
        }
    }
}
