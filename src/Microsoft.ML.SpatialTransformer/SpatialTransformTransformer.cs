using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Persistence;

[assembly: LoadableClass(typeof(SpatialTransformTransformer), null, typeof(SignatureLoadModel),
    SpatialTransformTransformer.UserName, SpatialTransformTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(SpatialTransformTransformer), null, typeof(SignatureLoadRowMapper),
    SpatialTransformTransformer.UserName, SpatialTransformTransformer.LoaderSignature)]

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// The fitted spatial transform. Given-theta mode adds the image warped by each row's theta column; learned mode
    /// adds the image warped by a trained localisation network and the theta it regressed (an output column). Saves and
    /// loads with <c>mlContext.Model</c>.
    /// </summary>
    /// <remarks>
    /// Not disposable on purpose: ML.NET disposes the transformer behind a PredictionEngine when the engine is
    /// disposed, which must not end the transform for everyone else. Its native state is released when the garbage
    /// collector reclaims it.
    /// </remarks>
    public sealed class SpatialTransformTransformer : RowToRowTransformerBase, ITransformer
    {
        internal const string UserName = "Spatial Transform";
        internal const string LoaderSignature = "SpatialTransformer";
        private const string WeightsEntry = "TSModel";

        private readonly SpatialTransformConfig _config;
        private readonly ISpatialTransformRunner _runner;

        /// <summary>Given-theta mode.</summary>
        internal SpatialTransformTransformer(IHostEnvironment env, SpatialTransformConfig config)
            : this(env, config, new GivenThetaRunner(config))
        {
        }

        /// <summary>Learned mode: takes ownership of <paramref name="module"/>.</summary>
        internal SpatialTransformTransformer(IHostEnvironment env, SpatialTransformConfig config, SpatialTransformerModule module)
            : this(env, config with { Learned = true }, new LearnedTransformRunner(config with { Learned = true }, module))
        {
        }

        private SpatialTransformTransformer(IHostEnvironment env, SpatialTransformConfig config, ISpatialTransformRunner runner)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(SpatialTransformTransformer)))
        {
            _config = config;
            _runner = runner;
        }

        /// <summary>The transform family applied.</summary>
        public SpatialTransformKind Kind => _config.Kind;
        /// <summary>Whether theta comes from a trained localisation network (and is an output column).</summary>
        public bool IsLearned => _config.Learned;
        /// <summary>[C,H,W] of the input images.</summary>
        public ImageShape InputShape => _config.InputShape;
        /// <summary>[C,H',W'] of the output images.</summary>
        public ImageShape OutputShape => _config.OutputShape;

        internal SpatialTransformConfig Config => _config;

        /// <summary>Learned mode's trained module (null in given-theta mode), for inspection by tests.</summary>
        internal SpatialTransformerModule LearnedModule => (_runner as LearnedTransformRunner)?.Module;

        internal IHost Environment => Host;

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "STNWARP ",
            verWrittenCur: SpatialTransformConfig.VersionNormalized,   // 0x00010004: a learned transform's input normalization
            verReadableCur: SpatialTransformConfig.VersionNormalized,  // (0x00010003: SHA-256 hashes; 0x00010002: learned mode)
            verWeCanReadBack: 0x00010001,                          // 0x00010001: given theta only
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(SpatialTransformTransformer).Assembly.FullName);

        // Factory for SignatureLoadModel.
        private static SpatialTransformTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            TorchNativeLibrary.EnsureLoaded();
            var config = SpatialTransformConfig.Load(env, ctx);
            if (!config.Learned) return new SpatialTransformTransformer(env, config);
            var weights = WeightsIntegrity.ReadCheckedWeights(env, ctx, WeightsEntry, ctx.Header.ModelVerWritten >= SpatialTransformConfig.VersionHashed,
                config.ArchitectureHash(), "learned spatial transform");
            NetworkSizeBound.Transformer(config.Kind, config.TpsGridSize, config.Localisation, config.LocalisationWidths, config.InputShape.Channels,
                config.InputShape.Height, config.InputShape.Width, config.OutputHeight, config.OutputWidth)
                .Check(env, "The saved localisation network", weights.LongLength);
            var module = config.CreateModule();
            try { WeightsIntegrity.LoadInto(env, module, weights, WeightsEntry, "localisation network"); }
            catch { module.Dispose(); throw; }
            return new SpatialTransformTransformer(env, config, module);
        }

        // Factory for SignatureLoadRowMapper.
        private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema)
            => Create(env, ctx).MakeRowMapper(inputSchema);

        /// <inheritdoc/>
        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            _config.Save(ctx);
            if (_runner is LearnedTransformRunner learned)
            {
                var weights = WeightsIntegrity.Serialize(learned.Module);
                WeightsIntegrity.WriteHashes(ctx.Writer, _config.ArchitectureHash(), WeightsIntegrity.Hash(weights));
                ctx.SaveBinaryStream(WeightsEntry, w => w.Write(weights));
            }
        }

        /// <inheritdoc/>
        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        /// <summary>
        /// Adds the output column(s), running <see cref="SpatialTransformEstimator.Options.BatchSize"/> rows per native
        /// call. (PredictionEngine and GetRowToRowMapper process one row at a time.)
        /// </summary>
        public new IDataView Transform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            var mapper = new Mapper(this, input.Schema);
            var map = new BatchedVectorMap(mapper.InputIndices, _runner.InputSizes, _runner.OutputSizes, _config.BatchSize, _runner.Run);
            return new BatchedMapDataView(Host, input, ((IRowMapper)mapper).GetOutputColumns(), map, SaveAsOnnx);
        }

        /// <summary>
        /// Writes this transform as ONNX (opset 17). Learned mode: input "image" [N,C,H,W], outputs "warped"
        /// [N,C,H',W'] and "theta" [N,P]. Given-theta mode: inputs "image" and "theta", output "warped".
        /// </summary>
        public void ExportOnnx(System.IO.Stream destination)
        {
            Host.CheckValue(destination, nameof(destination));
            Google.Protobuf.MessageExtensions.WriteTo(OnnxGraph(Onnx.OnnxGraphBuilder.DefaultOpset), destination);
        }

        private global::Onnx.ModelProto OnnxGraph(long opset)
        {
            var g = new Onnx.OnnxGraphBuilder(opset);
            var emitter = new Onnx.OnnxSpatialTransformerEmitter(g, new Onnx.OnnxLayerEmitter(g));
            var c = _config;
            g.Input("image", Onnx.OnnxGraphBuilder.FloatType, null, c.InputShape.Channels, c.InputShape.Height, c.InputShape.Width);
            string warped, theta = "theta";
            if (_runner is LearnedTransformRunner learned)
            {
                (warped, theta) = emitter.Emit(learned.Module, "image", "transformer");
                g.Rename(theta, "theta");
                g.Output("theta", Onnx.OnnxGraphBuilder.FloatType, null, c.ParameterCount);
            }
            else
            {
                g.Input("theta", Onnx.OnnxGraphBuilder.FloatType, null, c.ParameterCount);
                warped = emitter.Sample("image", emitter.Grid(c.Kind, theta, c.OutputHeight, c.OutputWidth, c.TpsGridSize, "transformer"), c.Sampling, c.Padding);
            }
            g.Rename(warped, "warped");
            g.Output("warped", Onnx.OnnxGraphBuilder.FloatType, null, c.InputShape.Channels, c.OutputHeight, c.OutputWidth);
            return g.ToModel();
        }

        // mlContext.Model.ConvertToOnnx: the same graph at ML.NET's opset 12, reading the pipeline's image (and theta)
        // variables and writing the output column (and, learned, the theta column) as new variables.
        private void SaveAsOnnx(Microsoft.ML.Model.OnnxConverter.OnnxContext ctx)
        {
            var c = _config;
            ctx.CheckOpSetVersion((int)Onnx.StNetworkOnnxExporter.MinimumOpset, LoaderSignature);
            if (!ctx.ContainsColumn(c.InputColumnName))
                throw Host.Except($"ONNX export: the input column '{c.InputColumnName}' is not produced by an ONNX-exportable step (ML.NET images are not; use a float vector column).");
            var inputs = new System.Collections.Generic.Dictionary<string, string> { ["image"] = Onnx.OnnxContextWriter.Reshape(ctx,
                ctx.GetVariableName(c.InputColumnName), new long[] { -1, c.InputShape.Channels, c.InputShape.Height, c.InputShape.Width }, "stn_image") };
            // The graph's warped output is [N,C,H',W'], the output column's own dimensions, so it is written to the
            // column directly.
            var outputs = new System.Collections.Generic.Dictionary<string, string> { ["warped"] = ctx.AddIntermediateVariable(c.OutputType, c.OutputColumnName) };
            if (_runner is LearnedTransformRunner)
                outputs["theta"] = ctx.AddIntermediateVariable(c.ThetaType, c.ThetaColumnName);
            else
            {
                if (!ctx.ContainsColumn(c.ThetaColumnName))
                    throw Host.Except($"ONNX export: the theta column '{c.ThetaColumnName}' is not produced by an ONNX-exportable step.");
                inputs["theta"] = ctx.GetVariableName(c.ThetaColumnName);
            }
            Onnx.OnnxContextWriter.Write(OnnxGraph(Onnx.StNetworkOnnxExporter.MinimumOpset), ctx, inputs, outputs);
        }

        private sealed class Mapper : MapperBase
        {
            private readonly SpatialTransformTransformer _parent;

            public Mapper(SpatialTransformTransformer parent, DataViewSchema inputSchema)
                : base(parent.Host.Register(nameof(Mapper)), inputSchema, parent)
            {
                _parent = parent;
                var config = parent._config;
                int image = FindColumn(inputSchema, config.InputColumnName, "input");
                config.CheckImageColumn(Host, inputSchema[image].Type);
                if (config.Learned)
                {
                    InputIndices = new[] { image };
                }
                else
                {
                    int theta = FindColumn(inputSchema, config.ThetaColumnName, "theta");
                    config.CheckThetaColumn(Host, inputSchema[theta].Type);
                    InputIndices = new[] { image, theta };
                }
            }

            /// <summary>Source columns the runner reads, in its input order.</summary>
            public int[] InputIndices { get; }

            private int FindColumn(DataViewSchema schema, string name, string role)
            {
                var column = schema.GetColumnOrNull(name);
                if (column is null) throw Host.ExceptSchemaMismatch("inputSchema", role, name);
                return column.Value.Index;
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
            {
                var config = _parent._config;
                var warped = new DataViewSchema.DetachedColumn(config.OutputColumnName, config.OutputType);
                return config.Learned
                    ? new[] { warped, new DataViewSchema.DetachedColumn(config.ThetaColumnName, config.ThetaType) }
                    : new[] { warped };
            }

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
            {
                bool any = Enumerable.Range(0, OutputColumns.Value.Length).Any(activeOutput);
                return col => any && InputIndices.Contains(col);
            }

            protected override void SaveModel(ModelSaveContext ctx) => _parent.SaveModel(ctx);

            // One run per row feeds every output column's getter.
            public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                var runner = _parent._runner;
                var readers = InputIndices.Select(i => InputReader.Create(Host, input, input.Schema[i])).ToArray();
                var inputs = runner.InputSizes.Select(s => new float[s]).ToArray();
                var outputs = runner.OutputSizes.Select(s => new float[s]).ToArray();
                long cached = -1;
                void Compute()
                {
                    if (cached == input.Position) return;
                    for (int c = 0; c < readers.Length; c++)
                        readers[c](inputs[c]);
                    runner.Run(inputs, 1, input.Position, outputs);
                    cached = input.Position;
                }
                var getters = new Delegate[outputs.Length];
                for (int o = 0; o < outputs.Length; o++)
                {
                    if (!activeOutput(o)) continue;
                    var values = outputs[o];
                    getters[o] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                    {
                        Compute();
                        var editor = VBufferEditor.Create(ref dst, values.Length);
                        values.AsSpan().CopyTo(editor.Values);
                        dst = editor.Commit();
                    });
                }
                return getters;
            }

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
                => CreateGetters(input, i => i == iinfo, out disposer)[iinfo];
        }
    }
}
