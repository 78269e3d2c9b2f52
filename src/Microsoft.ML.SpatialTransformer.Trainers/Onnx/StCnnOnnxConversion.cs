using System.Collections.Generic;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Onnx;

namespace Microsoft.ML.SpatialTransformer.Trainers.Onnx
{
    /// <summary>
    /// mlContext.Model.ConvertToOnnx of <see cref="StCnnModelParameters"/>: ML.NET hands over the feature variable
    /// ([N,C,H,W] or [N, C*H*W]) and wants PredictedLabel (a 1-based UInt32 key, [N,1]) and Score (probabilities [N,K])
    /// written, as its own multiclass models do. The network's graph (<see cref="StNetworkOnnxExporter"/>) at ML.NET's
    /// opset 12 gives the probabilities and a 0-based int64 index [N]; the key is made from the index here.
    /// </summary>
    internal static class StCnnOnnxConversion
    {
        /// <param name="ctx">ML.NET's model in progress.</param>
        /// <param name="network">The trained network.</param>
        /// <param name="shape">The image layout the network takes.</param>
        /// <param name="predictedLabel">The PredictedLabel variable to write.</param>
        /// <param name="score">The Score variable to write.</param>
        /// <param name="featureColumn">The feature variable.</param>
        /// <param name="loaderSignature">The model's name in opset errors.</param>
        public static void Write(OnnxContext ctx, StNetwork network, ImageShape shape, string predictedLabel,
            string score, string featureColumn, string loaderSignature)
        {
            ctx.CheckOpSetVersion((int)StNetworkOnnxExporter.MinimumOpset, loaderSignature);
            var graph = StNetworkOnnxExporter.ToModel(network, StNetworkOnnxExporter.MinimumOpset);

            string image = OnnxContextWriter.Reshape(ctx, featureColumn,
                new long[] { -1, shape.Channels, shape.Height, shape.Width }, "stn_image");

            string index = ctx.AddIntermediateVariable(null, "stn_predicted_index", skip: true); // int64 [N], 0-based
            OnnxContextWriter.Write(graph, ctx,
                new Dictionary<string, string> { ["image"] = image },
                new Dictionary<string, string> { ["probabilities"] = score, ["predicted_label"] = index });
            WriteKey(ctx, index, predictedLabel);
        }

        // 0-based int64 index [N] -> 1-based UInt32 key [N,1], ML.NET's PredictedLabel.
        private static void WriteKey(OnnxContext ctx, string index, string key)
        {
            string column = ctx.AddIntermediateVariable(null, "stn_predicted_column", skip: true);
            ctx.CreateNode("Unsqueeze", index, column, ctx.GetNodeName("Unsqueeze"), "")
                .AddAttribute("axes", new long[] { 1 });
            string oneBased = ctx.AddIntermediateVariable(null, "stn_predicted_key", skip: true);
            ctx.CreateNode("Add", new[] { column, ctx.AddInitializer(1L, "stn_one") }, new[] { oneBased },
                ctx.GetNodeName("Add"), "");
            ctx.CreateNode("Cast", oneBased, key, ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(uint));
        }
    }
}
