using Microsoft.ML.SpatialTransformer.Persistence;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using static Microsoft.ML.SpatialTransformer.Onnx.SpatialTransformOnnxGraph;

namespace Microsoft.ML.SpatialTransformer.Onnx
{
    /// <summary>
    /// mlContext.Model.ConvertToOnnx of a fitted spatial transform: <see cref="SpatialTransformOnnxGraph"/> at ML.NET's
    /// opset 12, reading the pipeline's image variable (and, when the graph has the input, theta's) and writing the
    /// output column (and, when the graph has the output, the theta column) as new variables.
    /// </summary>
    internal static class SpatialTransformOnnxConversion
    {
        public static void Write(IExceptionContext ectx, OnnxContext ctx, SpatialTransformConfig c,
            ISpatialTransformRunner runner, string loaderSignature)
        {
            ctx.CheckOpSetVersion((int)StNetworkOnnxExporter.MinimumOpset, loaderSignature);
            if (!ctx.ContainsColumn(c.InputColumnName))
                throw ectx.Except($"ONNX export: the input column '{c.InputColumnName}' is not produced by an "
                    + "ONNX-exportable step (ML.NET images are not; use a float vector column).");
            var model = Build(c, runner, StNetworkOnnxExporter.MinimumOpset);
            var inputs = new Dictionary<string, string>
            {
                [ImageName] = OnnxContextWriter.Reshape(ctx, ctx.GetVariableName(c.InputColumnName),
                    new long[] { -1, c.InputShape.Channels, c.InputShape.Height, c.InputShape.Width }, "stn_image"),
            };
            // The graph's warped output is [N,C,H',W'], the output column's own dimensions, so it is written to the
            // column directly.
            var outputs = new Dictionary<string, string>
            {
                [WarpedName] = ctx.AddIntermediateVariable(c.OutputType, c.OutputColumnName),
            };
            if (model.Graph.Output.Any(o => o.Name == ThetaName))
                outputs[ThetaName] = ctx.AddIntermediateVariable(c.ThetaType, c.ThetaColumnName);
            if (model.Graph.Input.Any(i => i.Name == ThetaName))
            {
                if (!ctx.ContainsColumn(c.ThetaColumnName))
                    throw ectx.Except($"ONNX export: the theta column '{c.ThetaColumnName}' is not produced by "
                        + "an ONNX-exportable step.");
                inputs[ThetaName] = ctx.GetVariableName(c.ThetaColumnName);
            }
            OnnxContextWriter.Write(model, ctx, inputs, outputs);
        }
    }
}
