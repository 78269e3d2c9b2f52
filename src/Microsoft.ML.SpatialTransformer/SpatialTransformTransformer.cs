using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Onnx;
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
    public sealed partial class SpatialTransformTransformer : RowToRowTransformerBase, ITransformer
    {
        internal const string UserName = "Spatial Transform";
        internal const string LoaderSignature = "SpatialTransformer";

        private readonly SpatialTransformConfig _config;
        private readonly ISpatialTransformRunner _runner;

        /// <summary>Given-theta mode.</summary>
        internal SpatialTransformTransformer(IHostEnvironment env, SpatialTransformConfig config)
            : this(env, config, new GivenThetaRunner(config))
        {
        }

        /// <summary>Learned mode: takes ownership of <paramref name="module"/>.</summary>
        internal SpatialTransformTransformer(IHostEnvironment env, SpatialTransformConfig config,
            SpatialTransformerModule module)
            : this(env, config with { Learned = true },
                new LearnedTransformRunner(config with { Learned = true }, module))
        {
        }

        private SpatialTransformTransformer(IHostEnvironment env, SpatialTransformConfig config,
            ISpatialTransformRunner runner)
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
        internal SpatialTransformerModule LearnedModule => _runner.LearnedModule;

        internal IHost Environment => Host;

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "STNWARP ",
            // 0x00010004: a learned transform's input normalization
            verWrittenCur: SpatialTransformConfig.VersionNormalized,
            // (0x00010003: SHA-256 hashes; 0x00010002: learned mode)
            verReadableCur: SpatialTransformConfig.VersionNormalized,
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
            ISpatialTransformRunner runner = config.Learned
                ? LearnedTransformRunner.Load(env, ctx, config)
                : new GivenThetaRunner(config);
            return new SpatialTransformTransformer(env, config, runner);
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
            _runner.Save(ctx);
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
            var map = new BatchedVectorMap(mapper.InputIndices, _runner.InputSizes, _runner.OutputSizes,
                _config.BatchSize, _runner.Run);
            return new BatchedMapDataView(Host, input, ((IRowMapper)mapper).GetOutputColumns(), map, SaveAsOnnx);
        }

        /// <summary>
        /// Writes this transform as ONNX (opset 17). Learned mode: input "image" [N,C,H,W], outputs "warped"
        /// [N,C,H',W'] and "theta" [N,P]. Given-theta mode: inputs "image" and "theta", output "warped".
        /// </summary>
        public void ExportOnnx(System.IO.Stream destination)
        {
            Host.CheckValue(destination, nameof(destination));
            var model = SpatialTransformOnnxGraph.Build(_config, _runner, OnnxGraphBuilder.DefaultOpset);
            Google.Protobuf.MessageExtensions.WriteTo(model, destination);
        }

        // mlContext.Model.ConvertToOnnx: the same graph at ML.NET's opset 12, bound to the pipeline's columns.
        private void SaveAsOnnx(Microsoft.ML.Model.OnnxConverter.OnnxContext ctx)
            => SpatialTransformOnnxConversion.Write(Host, ctx, _config, _runner, LoaderSignature);
    }
}
