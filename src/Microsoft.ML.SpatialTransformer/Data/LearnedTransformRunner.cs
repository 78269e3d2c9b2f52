using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Onnx;
using Microsoft.ML.SpatialTransformer.Persistence;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// Learned mode: image -> (warped image, theta), through a trained <see cref="SpatialTransformerModule"/> it owns.
    /// Saves the module's weights as the stream "TSModel", after SHA-256 hashes of the architecture and the weights.
    /// </summary>
    internal sealed class LearnedTransformRunner : ISpatialTransformRunner
    {
        private const string WeightsEntry = "TSModel";

        private readonly SpatialTransformConfig _config;
        private readonly NativeMemoryPressure _memoryPressure;

        public LearnedTransformRunner(SpatialTransformConfig config, SpatialTransformerModule module)
        {
            _config = config;
            Module = module;
            Module.eval();
            _memoryPressure = NativeMemoryPressure.Of(module);
        }

        /// <summary>
        /// Reads the weights <see cref="Save"/> wrote (checked against their hashes from 0x00010003) into a module of
        /// <paramref name="config"/>'s architecture, after bounding the network's size.
        /// </summary>
        public static LearnedTransformRunner Load(IHostEnvironment env, ModelLoadContext ctx,
            SpatialTransformConfig config)
        {
            var weights = WeightsIntegrity.ReadCheckedWeights(env, ctx, WeightsEntry,
                ctx.Header.ModelVerWritten >= SpatialTransformConfig.VersionHashed, config.ArchitectureHash(),
                "learned spatial transform");
            var input = config.InputShape;
            NetworkSizeBound.Transformer(config.Kind, config.TpsGridSize, config.Localisation,
                    config.LocalisationWidths, input.Channels, input.Height, input.Width, config.OutputHeight,
                    config.OutputWidth)
                .Check(env, "The saved localisation network", weights.LongLength);
            var module = config.CreateModule();
            try { WeightsIntegrity.LoadInto(env, module, weights, WeightsEntry, "localisation network"); }
            catch { module.Dispose(); throw; }
            return new LearnedTransformRunner(config, module);
        }

        public SpatialTransformerModule Module { get; }

        public SpatialTransformerModule LearnedModule => Module;

        public int[] InputSizes => new[] { _config.InputShape.Size };

        public int[] OutputSizes => new[] { _config.OutputShape.Size, _config.ParameterCount };

        public int[] FindInputColumns(IExceptionContext ectx, DataViewSchema schema)
        {
            var image = RunnerColumns.Find(ectx, schema, _config.InputColumnName, "input");
            _config.CheckImageColumn(ectx, image.Type);
            return new[] { image.Index };
        }

        public DataViewSchema.DetachedColumn[] OutputColumns => new[]
        {
            new DataViewSchema.DetachedColumn(_config.OutputColumnName, _config.OutputType),
            new DataViewSchema.DetachedColumn(_config.ThetaColumnName, _config.ThetaType),
        };

        public void Save(ModelSaveContext ctx)
        {
            var weights = WeightsIntegrity.Serialize(Module);
            WeightsIntegrity.WriteHashes(ctx.Writer, _config.ArchitectureHash(), WeightsIntegrity.Hash(weights));
            ctx.SaveBinaryStream(WeightsEntry, w => w.Write(weights));
        }

        public string EmitOnnx(SpatialTransformOnnxGraph graph, string image) => graph.WarpByModule(Module, image);

        public void Run(float[][] inputs, int rows, long firstRow, float[][] outputs)
        {
            var shape = _config.InputShape;
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var dims = new long[] { rows, shape.Channels, shape.Height, shape.Width };
            var input = HostTensors.FromSpan(inputs[0].AsSpan(0, rows * shape.Size), dims); // [N,C,H,W]
            var (warped, theta) = Module.call(input);                                      // [N,C,H',W'], [N,P]
            HostTensors.CopyTo(warped, outputs[0]);
            HostTensors.CopyTo(theta, outputs[1]);
        }
    }
}
