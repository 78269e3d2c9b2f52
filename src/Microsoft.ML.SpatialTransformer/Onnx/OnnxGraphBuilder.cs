using System;
using System.Collections.Generic;
using System.Linq;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Onnx
{
    /// <summary>
    /// Builds one ONNX graph: nodes, float32/int64 initializers, inputs and outputs, with unique value names.
    /// Element types: 1 = float32, 7 = int64 (ONNX TensorProto.DataType).
    /// </summary>
    internal sealed class OnnxGraphBuilder
    {
        public const int FloatType = 1;
        public const int Int64Type = 7;
        public const long DefaultOpset = 17;
        /// <summary>ONNX Runtime's contributed-operator domain, which has GridSample for opsets before 16.</summary>
        public const string MicrosoftDomain = "com.microsoft";

        private readonly GraphProto _graph = new GraphProto { Name = "stn" };
        private readonly Dictionary<string, int> _names = new Dictionary<string, int>();
        private bool _usesMicrosoftDomain;

        /// <param name="opset">The default domain's opset: 17, or as low as 12 (ML.NET's converter), where GridSample
        /// comes from ONNX Runtime's com.microsoft domain instead.</param>
        public OnnxGraphBuilder(long opset = DefaultOpset)
        {
            if (opset < 12) throw new ArgumentOutOfRangeException(nameof(opset), opset,
                "The exported graphs need opset 12 or newer.");
            Opset = opset;
        }

        public long Opset { get; }

        /// <summary>Where GridSample lives at this opset: the ONNX domain from 16 on, ONNX Runtime's before.</summary>
        public string GridSampleDomain => Opset >= 16 ? "" : MicrosoftDomain;

        /// <summary>A value name not used before, derived from <paramref name="hint"/>.</summary>
        public string Name(string hint)
        {
            _names.TryGetValue(hint, out int n);
            _names[hint] = n + 1;
            return n == 0 ? hint : $"{hint}_{n}";
        }

        /// <summary>
        /// Adds a float32 initializer holding <paramref name="tensor"/>'s values (any dtype, converted).
        /// </summary>
        public string Initializer(string hint, Tensor tensor)
        {
            using var scope = NewDisposeScope();
            var values = tensor.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            var proto = new TensorProto { Name = Name(hint), DataType = FloatType };
            proto.Dims.AddRange(tensor.shape);
            proto.RawData = ByteString.CopyFrom(MemoryMarshalBytes(values));
            _graph.Initializer.Add(proto);
            return proto.Name;
        }

        /// <summary>Adds an int64 initializer (shapes, axes, slice bounds).</summary>
        public string Int64Initializer(string hint, params long[] values)
        {
            var proto = new TensorProto { Name = Name(hint), DataType = Int64Type };
            proto.Dims.Add(values.Length);
            proto.Int64Data.AddRange(values);
            _graph.Initializer.Add(proto);
            return proto.Name;
        }

        /// <summary>A float32 scalar initializer.</summary>
        public string Scalar(string hint, float value)
        {
            var proto = new TensorProto { Name = Name(hint), DataType = FloatType };
            proto.FloatData.Add(value);
            _graph.Initializer.Add(proto);
            return proto.Name;
        }

        /// <summary>Adds a node with one output and returns the output's name.</summary>
        public string Node(string op, string[] inputs, params AttributeProto[] attributes)
        {
            string output = Name(op.ToLowerInvariant());
            Node(op, inputs, new[] { output }, attributes);
            return output;
        }

        public void Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
            => NodeInDomain("", op, inputs, outputs, attributes);

        /// <summary>
        /// Adds a node of an operator from <paramref name="domain"/> ("" for ONNX's own) with one output.
        /// </summary>
        public string NodeInDomain(string domain, string op, string[] inputs, params AttributeProto[] attributes)
        {
            string output = Name(op.ToLowerInvariant());
            NodeInDomain(domain, op, inputs, new[] { output }, attributes);
            return output;
        }

        private void NodeInDomain(string domain, string op, string[] inputs, string[] outputs,
            AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = Name("node_" + op), Domain = domain };
            _usesMicrosoftDomain |= domain == MicrosoftDomain;
            node.Input.AddRange(inputs);
            node.Output.AddRange(outputs);
            node.Attribute.AddRange(attributes);
            _graph.Node.Add(node);
        }

        public static AttributeProto Int(string name, long value) =>
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

        public static AttributeProto Float32(string name, float value) =>
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

        public static AttributeProto Ints(string name, IEnumerable<long> values)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.AddRange(values);
            return a;
        }

        public static AttributeProto String(string name, string value) =>
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String,
                S = ByteString.CopyFromUtf8(value) };

        /// <summary>Declares a graph input or output; a null dimension is symbolic ("N").</summary>
        public void Input(string name, int elementType, params long?[] shape)
            => _graph.Input.Add(ValueInfo(name, elementType, shape));

        public void Output(string name, int elementType, params long?[] shape)
            => _graph.Output.Add(ValueInfo(name, elementType, shape));

        /// <summary>
        /// Gives <paramref name="value"/> the graph-level name <paramref name="name"/> (an Identity node).
        /// </summary>
        public void Rename(string value, string name) => Node("Identity", new[] { value }, new[] { name });

        public ModelProto ToModel()
        {
            var model = new ModelProto { IrVersion = 8, ProducerName = "Stn.MLNet",
                ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "",
                Graph = _graph };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
            if (_usesMicrosoftDomain)
                model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
            return model;
        }

        private static ValueInfoProto ValueInfo(string name, int elementType, long?[] shape)
        {
            var tensor = new TypeProto.Types.Tensor { ElemType = elementType, Shape = new TensorShapeProto() };
            foreach (var d in shape)
                tensor.Shape.Dim.Add(d is long v ? new TensorShapeProto.Types.Dimension { DimValue = v }
                    : new TensorShapeProto.Types.Dimension { DimParam = "N" });
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
        }

        private static byte[] MemoryMarshalBytes(float[] values)
        {
            var bytes = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; " +
                    "big-endian hosts are not supported.");
            return bytes;
        }
    }
}
