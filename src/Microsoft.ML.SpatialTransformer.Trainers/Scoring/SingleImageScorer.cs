using System.IO;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Onnx;
using Microsoft.ML.SpatialTransformer.Scoring;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Trainers.Scoring
{
    /// <summary>
    /// Scores one image at a time with a trained classifier, on the engine <see cref="Engine"/> chose: ONNX Runtime (a
    /// session built from the network's own export), or TorchSharp, where a small network runs on the calling thread
    /// alone (<see cref="SingleImageThreading"/>: a fixed rule, never timing).
    /// </summary>
    internal sealed class SingleImageScorer
    {
        private readonly StNetwork _network;
        private readonly ImageShape _shape;
        private readonly SingleImageThreading _threading;

        public SingleImageScorer(StNetwork network)
        {
            _network = network;
            var o = network.Options;
            _shape = ImageShape.InputOf(o);
            _threading = new SingleImageThreading(_shape.Size);
            Engine = new SingleImageEngine(ExportOnnxBytes, _shape, o.Classes);
        }

        /// <summary>The engine asked for and the one in use.</summary>
        public SingleImageEngine Engine { get; }

        /// <summary>Class probabilities of the one image in <paramref name="pixels"/> ([C,H,W] row-major).</summary>
        public void Score(float[] pixels, float[] probabilities)
        {
            var onnx = Engine.Scorer(); // null: TorchSharp (ScoringEngine)
            if (onnx is not null)
            {
                onnx.Score(pixels, probabilities);
                return;
            }
            _threading.Run(() =>
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var dims = new long[] { 1, _shape.Channels, _shape.Height, _shape.Width };
                var x = HostTensors.FromSpan(pixels, dims);                                     // [1,C,H,W]
                HostTensors.CopyTo(nn.functional.softmax(_network.call(x), 1), probabilities); // [1,K]
            });
        }

        private byte[] ExportOnnxBytes()
        {
            using var stream = new MemoryStream();
            StNetworkOnnxExporter.Export(_network, stream);
            return stream.ToArray();
        }
    }
}
