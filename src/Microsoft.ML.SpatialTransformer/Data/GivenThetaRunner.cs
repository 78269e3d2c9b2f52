using Microsoft.ML.SpatialTransformer.Persistence;
using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>Given-theta mode: (image, theta) -> warped image, through a <see cref="ThetaWarp"/>.</summary>
    internal sealed class GivenThetaRunner : ISpatialTransformRunner
    {
        private readonly SpatialTransformConfig _config;
        private readonly ThetaWarp _warp;

        public GivenThetaRunner(SpatialTransformConfig config)
        {
            TorchNativeLibrary.EnsureLoaded(); // a given-theta model trains nothing: this is its first libtorch work
            _config = config;
            _warp = new ThetaWarp(config.Kind, config.OutputHeight, config.OutputWidth, config.TpsGridSize,
                config.Sampling, config.Padding);
            _warp.eval();
        }

        public int[] InputSizes => new[] { _config.InputShape.Size, _config.ParameterCount };

        public int[] OutputSizes => new[] { _config.OutputShape.Size };

        public SpatialTransformerModule LearnedModule => null;

        public int[] FindInputColumns(IExceptionContext ectx, DataViewSchema schema)
        {
            var image = RunnerColumns.Find(ectx, schema, _config.InputColumnName, "input");
            _config.CheckImageColumn(ectx, image.Type);
            var theta = RunnerColumns.Find(ectx, schema, _config.ThetaColumnName, "theta");
            _config.CheckThetaColumn(ectx, theta.Type);
            return new[] { image.Index, theta.Index };
        }

        public DataViewSchema.DetachedColumn[] OutputColumns =>
            new[] { new DataViewSchema.DetachedColumn(_config.OutputColumnName, _config.OutputType) };

        // Nothing beyond the configuration: the warp has no weights.
        public void Save(ModelSaveContext ctx)
        {
        }

        public string EmitOnnx(SpatialTransformOnnxGraph graph, string image) => graph.WarpByThetaInput(image);

        public void Run(float[][] inputs, int rows, long firstRow, float[][] outputs)
        {
            var shape = _config.InputShape;
            var thetas = inputs[1].AsSpan(0, rows * _config.ParameterCount);
            CheckFinite(thetas, firstRow);
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var dims = new long[] { rows, shape.Channels, shape.Height, shape.Width };
            var input = HostTensors.FromSpan(inputs[0].AsSpan(0, rows * shape.Size), dims);      // [N,C,H,W]
            var theta = HostTensors.FromSpan(thetas, new long[] { rows, _config.ParameterCount }); // [N,P]
            HostTensors.CopyTo(_warp.call(input, theta), outputs[0]);                           // [N,C,H',W']
        }

        // A NaN theta would silently give a NaN image; say which row instead.
        private void CheckFinite(ReadOnlySpan<float> thetas, long firstRow)
        {
            for (int i = 0; i < thetas.Length; i++)
            {
                if (!float.IsFinite(thetas[i]))
                    throw new InvalidOperationException(
                        $"Column '{_config.ThetaColumnName}' holds "
                        + $"{thetas[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} in row "
                        + $"{firstRow + i / _config.ParameterCount}; expected finite transform parameters.");
            }
        }
    }
}
