using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.Model.OnnxConverter;
using Onnx;

namespace Microsoft.ML.SpatialTransformer.Onnx
{
    /// <summary>
    /// Writes a graph built by <see cref="OnnxGraphBuilder"/> into ML.NET's <see cref="OnnxContext"/>, the model that
    /// mlContext.Model.ConvertToOnnx is assembling: initializers and nodes are added in order under names the context
    /// makes unique, graph inputs are bound to the pipeline's variables and chosen values to the pipeline's outputs.
    /// ML.NET writes opset 12 at most, so the graph must be built at that opset (GridSample then comes from ONNX
    /// Runtime's com.microsoft domain, which ONNX Runtime resolves without an explicit opset import).
    /// </summary>
    internal static class OnnxContextWriter
    {
        /// <param name="model">The graph to copy.</param>
        /// <param name="ctx">ML.NET's model in progress.</param>
        /// <param name="inputs">Graph input name -> the context variable that feeds it.</param>
        /// <param name="outputs">Graph value name -> the context variable it must be written to (created by the
        /// caller).</param>
        public static void Write(ModelProto model, OnnxContext ctx, IReadOnlyDictionary<string, string> inputs,
            IReadOnlyDictionary<string, string> outputs)
        {
            var names = new Dictionary<string, string>(inputs);
            foreach (var initializer in model.Graph.Initializer)
                names[initializer.Name] = AddInitializer(ctx, initializer);
            foreach (var node in model.Graph.Node)
            {
                var ins = node.Input.Select(i => names.TryGetValue(i, out var n) ? n
                    : throw new InvalidOperationException($"The ONNX value '{i}' is used before it is defined."))
                    .ToArray();
                var outs = node.Output.Select(o => names[o] = outputs.TryGetValue(o, out var n) ? n
                    // the runtime infers the shape
                    : ctx.AddIntermediateVariable(null, "stn_" + o, skip: true)).ToArray();
                var created = ctx.CreateNode(node.OpType, ins, outs, ctx.GetNodeName("stn_" + node.OpType),
                    node.Domain);
                foreach (var a in node.Attribute) AddAttribute(created, a);
            }
            foreach (var output in outputs.Keys)
                if (!names.ContainsKey(output))
                    throw new InvalidOperationException($"The ONNX graph has no value '{output}'.");
        }

        /// <summary>A new variable holding <paramref name="value"/> reshaped to <paramref name="dims"/> (ML.NET passes
        /// a vector column as [N, size] or in its own dimensions; the graphs want [N,C,H,W]).</summary>
        public static string Reshape(OnnxContext ctx, string value, long[] dims, string hint)
        {
            string output = ctx.AddIntermediateVariable(null, hint, skip: true);
            string shape = ctx.AddInitializer(dims, new long[] { dims.Length }, hint + "_shape");
            ctx.CreateNode("Reshape", new[] { value, shape }, new[] { output }, ctx.GetNodeName("Reshape"), "");
            return output;
        }

        private static string AddInitializer(OnnxContext ctx, TensorProto tensor)
        {
            var dims = tensor.Dims.ToArray();
            switch (tensor.DataType)
            {
                case OnnxGraphBuilder.FloatType:
                    var floats = tensor.RawData.IsEmpty ? tensor.FloatData.ToArray()
                        : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
                    // ML.NET's tensor overloads need at least one dimension; scalars have their own.
                    return dims.Length == 0 ? ctx.AddInitializer(floats.Single(), "stn_" + tensor.Name)
                        : ctx.AddInitializer(floats, dims, "stn_" + tensor.Name);
                case OnnxGraphBuilder.Int64Type:
                    return dims.Length == 0 ? ctx.AddInitializer(tensor.Int64Data.Single(), "stn_" + tensor.Name)
                        : ctx.AddInitializer(tensor.Int64Data.ToArray(), dims, "stn_" + tensor.Name);
                default:
                    throw new NotSupportedException($"Initializer '{tensor.Name}' has ONNX element type " +
                        $"{tensor.DataType}; only float32 and int64 are written.");
            }
        }

        private static void AddAttribute(OnnxNode node, AttributeProto a)
        {
            switch (a.Type)
            {
                case AttributeProto.Types.AttributeType.Int: node.AddAttribute(a.Name, a.I); break;
                case AttributeProto.Types.AttributeType.Float: node.AddAttribute(a.Name, (double)a.F); break;
                case AttributeProto.Types.AttributeType.Ints: node.AddAttribute(a.Name, a.Ints.ToArray()); break;
                case AttributeProto.Types.AttributeType.String: node.AddAttribute(a.Name, a.S.ToStringUtf8()); break;
                default: throw new NotSupportedException($"Attribute '{a.Name}' of type {a.Type} is not written " +
                    "to ML.NET's ONNX context.");
            }
        }
    }
}
