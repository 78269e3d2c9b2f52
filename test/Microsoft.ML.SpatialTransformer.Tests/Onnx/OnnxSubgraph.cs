using System;
using System.Linq;
using Google.Protobuf;
using Onnx;

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    /// <summary>
    /// A run of consecutive nodes of an ONNX model as a model of its own: the first node's first input becomes the
    /// graph's input, the last node's first output its output, with the initializers the run reads.
    /// </summary>
    internal sealed class OnnxSubgraph
    {
        public byte[] Model { get; private init; }
        public string Input { get; private init; }

        /// <summary>The nodes from the first <paramref name="firstOp"/> to the first <paramref name="lastOp"/> after
        /// it.</summary>
        public static OnnxSubgraph From(byte[] model, string firstOp, string lastOp)
        {
            var whole = ModelProto.Parser.ParseFrom(model);
            var nodes = whole.Graph.Node.SkipWhile(n => n.OpType != firstOp).ToList();
            int last = nodes.FindIndex(n => n.OpType == lastOp);
            if (nodes.Count == 0 || last < 0)
                throw new ArgumentException($"the model has no run of nodes from {firstOp} to {lastOp}");
            nodes = nodes.Take(last + 1).ToList();
            var graph = new GraphProto { Name = "subgraph" };
            graph.Node.AddRange(nodes.Select(n => n.Clone()));
            graph.Initializer.AddRange(whole.Graph.Initializer
                .Where(i => nodes.Any(n => n.Input.Contains(i.Name))).Select(i => i.Clone()));
            string input = nodes[0].Input[0];
            graph.Input.Add(new ValueInfoProto { Name = input, Type = new TypeProto { TensorType =
                new TypeProto.Types.Tensor { ElemType = 7 /* int64 */ } } });
            graph.Output.Add(new ValueInfoProto { Name = nodes[^1].Output[0], Type = new TypeProto { TensorType =
                new TypeProto.Types.Tensor { ElemType = 8 /* string */ } } });
            var sub = new ModelProto { IrVersion = whole.IrVersion, Graph = graph };
            sub.OpsetImport.AddRange(whole.OpsetImport.Select(o => o.Clone()));
            return new OnnxSubgraph { Model = sub.ToByteArray(), Input = input };
        }
    }
}
