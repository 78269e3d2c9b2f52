using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Persistence;
using static Microsoft.ML.SpatialTransformer.Onnx.OnnxGraphBuilder;

namespace Microsoft.ML.SpatialTransformer.Onnx
{
    /// <summary>
    /// The ONNX graph of a fitted <see cref="SpatialTransformTransformer"/>: input "image" [N,C,H,W], output
    /// "warped" [N,C,H',W'], and "theta" [N,P], an input in given-theta mode and an output in learned mode. The
    /// runner says which (<see cref="ISpatialTransformRunner.EmitOnnx"/> calls <see cref="WarpByThetaInput"/> or
    /// <see cref="WarpByModule"/>).
    /// </summary>
    internal sealed class SpatialTransformOnnxGraph
    {
        /// <summary>Graph input: the image [N,C,H,W].</summary>
        public const string ImageName = "image";
        /// <summary>Graph output: the warped image [N,C,H',W'].</summary>
        public const string WarpedName = "warped";
        /// <summary>Graph input (given theta) or output (learned): theta [N,P].</summary>
        public const string ThetaName = "theta";

        private readonly OnnxGraphBuilder _g;
        private readonly OnnxSpatialTransformerEmitter _emitter;
        private readonly SpatialTransformConfig _config;

        private SpatialTransformOnnxGraph(SpatialTransformConfig config, long opset)
        {
            _config = config;
            _g = new OnnxGraphBuilder(opset);
            _emitter = new OnnxSpatialTransformerEmitter(_g, new OnnxLayerEmitter(_g));
        }

        /// <summary>The graph of <paramref name="runner"/>'s mode of <paramref name="config"/> at
        /// <paramref name="opset"/>.</summary>
        public static global::Onnx.ModelProto Build(SpatialTransformConfig config, ISpatialTransformRunner runner,
            long opset)
        {
            var graph = new SpatialTransformOnnxGraph(config, opset);
            var g = graph._g;
            var input = config.InputShape;
            g.Input(ImageName, FloatType, null, input.Channels, input.Height, input.Width);
            string warped = runner.EmitOnnx(graph, ImageName);
            g.Rename(warped, WarpedName);
            g.Output(WarpedName, FloatType, null, input.Channels, config.OutputHeight, config.OutputWidth);
            return g.ToModel();
        }

        /// <summary>Given theta: declares the input "theta" [N,P] and warps <paramref name="image"/> by it.</summary>
        public string WarpByThetaInput(string image)
        {
            var c = _config;
            _g.Input(ThetaName, FloatType, null, c.ParameterCount);
            string grid = _emitter.Grid(c.Kind, ThetaName, c.OutputHeight, c.OutputWidth, c.TpsGridSize, "transformer");
            return _emitter.Sample(image, grid, c.Sampling, c.Padding);
        }

        /// <summary>
        /// Learned: warps <paramref name="image"/> through <paramref name="module"/> and declares the theta it
        /// regressed as the output "theta" [N,P].
        /// </summary>
        public string WarpByModule(SpatialTransformerModule module, string image)
        {
            var (warped, theta) = _emitter.Emit(module, image, "transformer");
            _g.Rename(theta, ThetaName);
            _g.Output(ThetaName, FloatType, null, _config.ParameterCount);
            return warped;
        }
    }
}
