using System;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// Learned mode: image -> (warped image, theta), through a trained <see cref="SpatialTransformerModule"/> it owns.
    /// </summary>
    internal sealed class LearnedTransformRunner : ISpatialTransformRunner
    {
        private readonly SpatialTransformConfig _config;
        private readonly NativeMemoryPressure _memoryPressure;

        public LearnedTransformRunner(SpatialTransformConfig config, SpatialTransformerModule module)
        {
            _config = config;
            Module = module;
            Module.eval();
            _memoryPressure = NativeMemoryPressure.Of(module);
        }

        public SpatialTransformerModule Module { get; }

        public int[] InputSizes => new[] { _config.InputShape.Size };

        public int[] OutputSizes => new[] { _config.OutputShape.Size, _config.ParameterCount };

        public void Run(float[][] inputs, int rows, long firstRow, float[][] outputs)
        {
            var shape = _config.InputShape;
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var input = HostTensors.FromSpan(inputs[0].AsSpan(0, rows * shape.Size), new long[] { rows, shape.Channels, shape.Height, shape.Width }); // [N,C,H,W]
            var (warped, theta) = Module.call(input);                                                                                            // [N,C,H',W'], [N,P]
            HostTensors.CopyTo(warped, outputs[0]);
            HostTensors.CopyTo(theta, outputs[1]);
        }
    }
}
