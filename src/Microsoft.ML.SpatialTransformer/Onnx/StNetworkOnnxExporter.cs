using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;
using static Microsoft.ML.SpatialTransformer.Onnx.OnnxGraphBuilder;

namespace Microsoft.ML.SpatialTransformer.Onnx
{
    /// <summary>
    /// Exports a trained <see cref="StNetwork"/> to ONNX (opset 17, IR 8): input "image" [N,C,H,W] float32; outputs
    /// "probabilities" [N,K] (softmax), "predicted_label" [N] int64 (0-based class index), and "theta_0", "theta_1",
    /// ... [N,P] for each spatial transformer in <see cref="StNetwork.ForwardWithThetas"/>'s order. Inference form:
    /// dropout off, batch norm with its running statistics.
    /// </summary>
    public static class StNetworkOnnxExporter
    {
        /// <summary>The lowest opset the graphs can be written at: ML.NET's converter writes 12.</summary>
        internal const long MinimumOpset = 12;

        /// <summary>Writes the ONNX model of <paramref name="network"/> to <paramref name="destination"/>.</summary>
        public static void Export(StNetwork network, Stream destination) => Export(network, destination, positions: 1);

        /// <summary>
        /// As <see cref="Export(StNetwork, Stream)"/>, reading the logits as <paramref name="positions"/> heads of K /
        /// positions classes (sequence models): "probabilities" [N,P,K/P] (a softmax per position), "predicted_label"
        /// [N,P].
        /// </summary>
        internal static void Export(StNetwork network, Stream destination, int positions)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (destination is null) throw new ArgumentNullException(nameof(destination));
            if (network.IsDisposed) throw new ObjectDisposedException(nameof(network),
                "The network has been disposed; there is nothing to export.");
            ToModel(network, positions: positions).WriteTo(destination);
        }

        /// <summary>
        /// Writes the ONNX model to <paramref name="path"/> through a temporary file, so a failure leaves no partial
        /// file.
        /// </summary>
        public static void Export(StNetwork network, string path) => Export(network, path, positions: 1);

        /// <summary>
        /// As <see cref="Export(StNetwork, Stream, int)"/>, to a file written through a temporary file.
        /// </summary>
        internal static void Export(StNetwork network, string path, int positions)
        {
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
            string full = Path.GetFullPath(path);
            string temp = full + ".tmp";
            try
            {
                using (var stream = File.Create(temp)) Export(network, stream, positions);
                File.Move(temp, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        internal static global::Onnx.ModelProto ToModel(StNetwork network, long opset = OnnxGraphBuilder.DefaultOpset,
            int positions = 1)
        {
            var o = network.Options;
            var g = new OnnxGraphBuilder(opset);
            var layers = new OnnxLayerEmitter(g);
            var sts = new OnnxSpatialTransformerEmitter(g, layers);
            g.Input("image", FloatType, null, o.InputChannels, o.InputHeight, o.InputWidth);
            // Everything after the input sees it normalised, as in StNetwork.ForwardWithThetas.
            string image = network.InputNormalisation is null ? "image" : layers.Normalise(network.InputNormalisation,
                "image", "input_normalisation");
            var thetas = new List<string>();
            var branches = network.Branches;
            string features;
            if (network.Series is SpatialTransformerSeries series)
            {
                var trunk = series.Features;
                string x = image;
                for (int s = 0; s < trunk.Stages.Count; s++)
                {
                    if (s < series.Count)
                    {
                        var (warped, theta) = sts.Emit(series[s], x, $"series.transformers.{s}");
                        thetas.Add(theta);
                        x = warped;
                    }
                    x = layers.Emit(trunk.Stages[s], x, $"series.features.stages.{s}");
                }
                features = layers.Emit(trunk.Tail, x, "series.features.tail");
            }
            else if (network.InputTransformers is SpatialTransformerParallel parallel)
            {
                var parts = new List<string>();
                for (int i = 0; i < parallel.Count; i++)
                {
                    var (warped, theta) = sts.Emit(parallel[i], image, $"input_transformers.transformers.{i}");
                    thetas.Add(theta);
                    string x = layers.Emit(network.Downsample, warped, "downsample");
                    parts.Add(Branch(layers, branches[i], x, $"branches.{i}"));
                }
                features = parts.Count == 1 ? parts[0] : g.Node("Concat", parts.ToArray(), Int("axis", 1));
            }
            else
            {
                features = Branch(layers, branches[0], image, "branches.0");
            }
            string logits = layers.Gemm(network.Head, features, "head");
            if (positions == 1)
            {
                g.Rename(g.Node("Softmax", new[] { logits }, Int("axis", 1)), "probabilities");
                g.Rename(g.Node("ArgMax", new[] { logits }, Int("axis", 1), Int("keepdims", 0)), "predicted_label");
                g.Output("probabilities", FloatType, null, o.Classes);
                g.Output("predicted_label", Int64Type, new long?[] { null });
            }
            else
            {
                // One softmax head per position: logits [N, P*K] -> [N, P, K], as the sequence model reads them.
                int perPosition = o.Classes / positions;
                string shape = g.Int64Initializer("head_shape", 0, positions, perPosition);
                string heads = g.Node("Reshape", new[] { logits, shape });
                g.Rename(g.Node("Softmax", new[] { heads }, Int("axis", 2)), "probabilities");
                g.Rename(g.Node("ArgMax", new[] { heads }, Int("axis", 2), Int("keepdims", 0)), "predicted_label");
                g.Output("probabilities", FloatType, null, positions, perPosition);
                g.Output("predicted_label", Int64Type, null, positions);
            }
            for (int i = 0; i < thetas.Count; i++)
            {
                g.Rename(thetas[i], $"theta_{i}");
                g.Output($"theta_{i}", FloatType, null, TransformFamily.ParameterCount(o.Transform, o.TpsGridSize));
            }
            return g.ToModel();
        }

        private static string Branch(OnnxLayerEmitter layers, ClassifierFeatures branch, string input, string path)
        {
            string x = input;
            for (int s = 0; s < branch.Stages.Count; s++)
                x = layers.Emit(branch.Stages[s], x, $"{path}.stages.{s}");
            return layers.Emit(branch.Tail, x, $"{path}.tail");
        }
    }
}
