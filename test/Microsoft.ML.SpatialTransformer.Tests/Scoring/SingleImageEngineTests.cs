using System;
using System.IO;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Onnx;
using Microsoft.ML.SpatialTransformer.Scoring;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Scoring
{
    /// <summary>
    /// The engine choice itself: a model whose export fails falls back at Auto and says why at OnnxRuntime.
    /// </summary>
    public class SingleImageEngineTests
    {
        private static readonly ImageShape Shape = new(1, 12, 12);

        [Fact]
        public void AModelThatCannotExportFallsBackAtAutoAndSaysWhyAtOnnxRuntime()
        {
            int exports = 0;
            var engine = new SingleImageEngine(() =>
            {
                exports++;
                throw new NotSupportedException("ONNX export does not support the layer 'x' of type Custom.");
            }, Shape, 2);

            Assert.Equal(ScoringEngine.TorchSharp, engine.Active);
            Assert.Null(engine.Scorer());
            var e = Assert.Throws<InvalidOperationException>(() => engine.Requested = ScoringEngine.OnnxRuntime);
            Assert.Contains("ScoringEngine.OnnxRuntime was asked for, but this model cannot be exported to ONNX",
                e.Message);
            Assert.Contains("layer 'x' of type Custom", e.Message);
            Assert.Equal(ScoringEngine.Auto, engine.Requested); // the failed request changed nothing
            Assert.Equal(1, exports); // decided once
        }

        [Fact]
        public void AnUndefinedEngineIsRejected()
        {
            var engine = new SingleImageEngine(() => throw new InvalidOperationException("not called"), Shape, 2);
            Assert.Throws<ArgumentOutOfRangeException>(() => engine.Requested = (ScoringEngine)7);
            engine.Requested = ScoringEngine.TorchSharp;
            Assert.Equal(ScoringEngine.TorchSharp, engine.Requested);
            Assert.Equal(ScoringEngine.TorchSharp, engine.Active);
        }

        [Fact]
        public void TheScorerReleasesItsTensorsOnceAndRefusesWorkAfterwards()
        {
            manual_seed(1);
            using var net = new StNetwork(new StNetworkOptions
            {
                InputChannels = 1, InputHeight = 12, InputWidth = 12, Classes = 2,
                Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 8 }, Classifier = ClassifierKind.Fcn, ClassifierWidths = new[] { 8 },
            });
            net.eval();
            using var stream = new MemoryStream();
            StNetworkOnnxExporter.Export(net, stream);
            var scorer = new OnnxImageScorer(stream.ToArray(), Shape, 2);
            var probabilities = new float[2];
            var pixels = new float[144];
            // buffers on several threads
            System.Threading.Tasks.Parallel.For(0, 4, _ => scorer.Score(pixels, new float[2]));
            scorer.Score(pixels, probabilities);
            Assert.Equal(1.0, probabilities[0] + (double)probabilities[1], 1e-6);
            Assert.Throws<ArgumentException>(() => scorer.Score(new float[143], probabilities));
            scorer.Dispose();
            scorer.Dispose();
            Assert.Throws<ObjectDisposedException>(() => scorer.Score(pixels, probabilities));
        }
    }
}
