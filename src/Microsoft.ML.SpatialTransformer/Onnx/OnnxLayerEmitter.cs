using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static Microsoft.ML.SpatialTransformer.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Onnx
{
    /// <summary>
    /// Emits the TorchSharp layers our networks are built from as ONNX nodes, in inference form (dropout is the
    /// identity, batch norm uses its running statistics). Anything else is refused with its type and path.
    /// </summary>
    internal sealed class OnnxLayerEmitter
    {
        private readonly OnnxGraphBuilder _g;

        public OnnxLayerEmitter(OnnxGraphBuilder graph) => _g = graph;

        /// <summary>
        /// Emits <paramref name="module"/> applied to the value <paramref name="input"/>; returns the output value.
        /// </summary>
        public string Emit(nn.Module module, string input, string path)
        {
            switch (module)
            {
                case Sequential sequential:
                    for (int i = 0; i < sequential.Count; i++)
                        input = Emit((nn.Module)sequential[i], input, $"{path}.{i}");
                    return input;
                case Convolution { transposed: false, padding: not null, padding_mode: PaddingModes.Zeros } conv
                    when conv.kernel_size.Length == 2:
                    return Conv(conv, input, path);
                case Modules.MaxPool2x2:
                    return _g.Node("MaxPool", new[] { input }, Ints("kernel_shape", new[] { 2L, 2L }),
                        Ints("strides", new[] { 2L, 2L }),
                        Ints("pads", new long[4]));
                case MaxPool2d pool:
                    return _g.Node("MaxPool", new[] { input }, Ints("kernel_shape", pool.kernel_size),
                        Ints("strides", pool.stride ?? pool.kernel_size),
                        Ints("pads", Pads(pool.padding, pool.kernel_size.Length)));
                case AvgPool2d pool:
                    return _g.Node("AveragePool", new[] { input }, Ints("kernel_shape", pool.kernel_size),
                        Ints("strides", pool.stride ?? pool.kernel_size),
                        Ints("pads", Pads(pool.padding, pool.kernel_size.Length)),
                        Int("count_include_pad", pool.count_include_pad ? 1 : 0));
                case Modules.FixedSizePool pool:
                    return FixedSizePool(pool, input, path);
                case ReLU:
                    return _g.Node("Relu", new[] { input });
                case Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1:
                    return _g.Node("Flatten", new[] { input }, Int("axis", 1));
                case Linear linear:
                    return Gemm(linear, input, path);
                case Dropout or Dropout2d or Modules.SeededDropout or Identity:
                    return input;
                case BatchNorm2d norm:
                    return BatchNorm(norm, input, path);
                case Modules.InputNormalisation normalisation:
                    return Normalise(normalisation, input, path);
                default:
                    throw new NotSupportedException($"ONNX export does not support the layer '{path}' of " +
                        $"type {module.GetType().Name}.");
            }
        }

        /// <summary>
        /// (input - mean) / std per channel: Sub and Div with [1,C,1,1] initializers broadcast over [N,C,H,W].
        /// </summary>
        public string Normalise(Modules.InputNormalisation normalisation, string input, string path)
        {
            using var scope = NewDisposeScope();
            var shape = new long[] { 1, normalisation.Channels, 1, 1 };
            string mean = _g.Initializer(path + ".mean", normalisation.Mean.view(shape));   // [1,C,1,1]
            string std = _g.Initializer(path + ".std", normalisation.Std.view(shape));      // [1,C,1,1]
            return _g.Node("Div", new[] { _g.Node("Sub", new[] { input, mean }), std });
        }

        /// <summary>
        /// Adaptive average pooling: AveragePool (kernel = stride = the ratio) where the output side divides the map
        /// on both axes; otherwise its windows of varying length as two matrix products,
        /// Ph [h',H] · X [N,C,H,W] · Pwᵀ [W,w'].
        /// </summary>
        private string FixedSizePool(Modules.FixedSizePool pool, string input, string path)
        {
            long inH = pool.InputHeight, inW = pool.InputWidth, outH = pool.OutputHeight, outW = pool.OutputWidth;
            if (inH % outH == 0 && inW % outW == 0)
            {
                var kernel = new[] { inH / outH, inW / outW };
                return _g.Node("AveragePool", new[] { input }, Ints("kernel_shape", kernel), Ints("strides", kernel),
                    Ints("pads", new long[4]));
            }
            using var scope = NewDisposeScope();
            var rows = tensor(Modules.FixedSizePool.AxisMatrix(inH, outH), new[] { outH, inH });          // [h',H]
            var columns = tensor(Modules.FixedSizePool.AxisMatrix(inW, outW), new[] { outW, inW }).t();   // [W,w']
            string rowsName = _g.Initializer(path + ".rows", rows),
                columnsName = _g.Initializer(path + ".columns", columns);
            string pooledRows = _g.Node("MatMul", new[] { rowsName, input });                           // [N,C,h',W]
            return _g.Node("MatMul", new[] { pooledRows, columnsName });                                 // [N,C,h',w']
        }

        public string Gemm(Linear linear, string input, string path)
        {
            string w = _g.Initializer(path + ".weight", linear.weight);
            var inputs = linear.bias is null ? new[] { input, w }
                : new[] { input, w, _g.Initializer(path + ".bias", linear.bias) };
            return _g.Node("Gemm", inputs, Int("transB", 1));
        }

        // A 2-D convolution with explicit zero padding (torch pads both sides of each axis alike).
        private string Conv(Convolution conv, string input, string path)
        {
            string w = _g.Initializer(path + ".weight", conv.weight);
            var inputs = conv.bias is null
                ? new[] { input, w }
                : new[] { input, w, _g.Initializer(path + ".bias", conv.bias) };
            return _g.Node("Conv", inputs, Ints("kernel_shape", conv.kernel_size),
                Ints("strides", PerAxis(conv.stride)), Ints("pads", Pads(conv.padding, 2)),
                Ints("dilations", PerAxis(conv.dilation)), Int("group", conv.groups));
        }

        // torch allows one value for both spatial axes; ONNX wants one per axis.
        private static long[] PerAxis(long[] values) => values.Length == 1 ? new[] { values[0], values[0] } : values;

        private string BatchNorm(BatchNorm2d norm, string input, string path)
        {
            var state = norm.state_dict();
            string Part(string name) => _g.Initializer($"{path}.{name}", state[name]);
            return _g.Node("BatchNormalization",
                new[] { input, Part("weight"), Part("bias"), Part("running_mean"), Part("running_var") },
                Float32("epsilon", 1e-5f));
        }

        // torch pads both sides of each spatial axis alike; ONNX lists all begins, then all ends.
        private static long[] Pads(long[] padding, int rank)
        {
            var p = padding is { Length: > 0 }
                ? (padding.Length == 1 ? Enumerable.Repeat(padding[0], rank).ToArray() : padding) : new long[rank];
            return p.Concat(p).ToArray();
        }
    }
}
