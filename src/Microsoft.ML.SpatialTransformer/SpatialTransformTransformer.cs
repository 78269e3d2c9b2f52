using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;

[assembly: LoadableClass(typeof(SpatialTransformTransformer), null, typeof(SignatureLoadModel),
    SpatialTransformTransformer.UserName, SpatialTransformTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(SpatialTransformTransformer), null, typeof(SignatureLoadRowMapper),
    SpatialTransformTransformer.UserName, SpatialTransformTransformer.LoaderSignature)]

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// The fitted spatial transform: adds a column with each row's image warped by its theta. Saves and loads with
    /// <c>mlContext.Model</c>; owns native buffers, so dispose it when done.
    /// </summary>
    public sealed class SpatialTransformTransformer : RowToRowTransformerBase, ITransformer, IDisposable
    {
        internal const string UserName = "Spatial Transform";
        internal const string LoaderSignature = "SpatialTransformer";

        private readonly SpatialTransformConfig _config;
        private readonly ThetaWarpRunner _runner;

        internal SpatialTransformTransformer(IHostEnvironment env, SpatialTransformConfig config)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(SpatialTransformTransformer)))
        {
            _config = config;
            _runner = new ThetaWarpRunner(config);
        }

        /// <summary>The transform family applied.</summary>
        public SpatialTransformKind Kind => _config.Kind;
        /// <summary>[C,H,W] of the input images.</summary>
        public ImageShape InputShape => _config.InputShape;
        /// <summary>[C,H',W'] of the output images.</summary>
        public ImageShape OutputShape => _config.OutputShape;

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "STNWARP ",
            verWrittenCur: 0x00010001, // Initial
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(SpatialTransformTransformer).Assembly.FullName);

        // Factory for SignatureLoadModel.
        private static SpatialTransformTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            TorchNativeLibrary.EnsureLoaded();
            return new SpatialTransformTransformer(env, SpatialTransformConfig.Load(env, ctx));
        }

        // Factory for SignatureLoadRowMapper.
        private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema)
            => Create(env, ctx).MakeRowMapper(inputSchema);

        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            _config.Save(ctx);
        }

        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        /// <summary>
        /// Adds the warped column, warping <see cref="SpatialTransformEstimator.Options.BatchSize"/> rows per native call.
        /// (PredictionEngine and GetRowToRowMapper warp one row at a time.)
        /// </summary>
        public new IDataView Transform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            var mapper = new Mapper(this, input.Schema);
            var map = new BatchedVectorMap(
                new[] { mapper.ImageIndex, mapper.ThetaIndex },
                new[] { _config.InputShape.Size, _config.ParameterCount },
                new[] { _config.OutputShape.Size },
                _config.BatchSize,
                (inputs, rows, firstRow, outputs) => _runner.Warp(inputs[0].AsSpan(0, rows * _config.InputShape.Size),
                    inputs[1].AsSpan(0, rows * _config.ParameterCount), rows, firstRow, outputs[0]));
            return new BatchedMapDataView(Host, input, GetOutputSchema(input.Schema), map);
        }

        public void Dispose() => _runner.Dispose();

        private sealed class Mapper : MapperBase
        {
            private readonly SpatialTransformTransformer _parent;
            private readonly int _imageIndex;
            private readonly int _thetaIndex;

            public int ImageIndex => _imageIndex;
            public int ThetaIndex => _thetaIndex;

            public Mapper(SpatialTransformTransformer parent, DataViewSchema inputSchema)
                : base(parent.Host.Register(nameof(Mapper)), inputSchema, parent)
            {
                _parent = parent;
                var config = parent._config;
                _imageIndex = FindColumn(inputSchema, config.InputColumnName, "input");
                config.CheckImageColumn(Host, inputSchema[_imageIndex].Type);
                _thetaIndex = FindColumn(inputSchema, config.ThetaColumnName, "theta");
                config.CheckThetaColumn(Host, inputSchema[_thetaIndex].Type);
            }

            private int FindColumn(DataViewSchema schema, string name, string role)
            {
                var column = schema.GetColumnOrNull(name);
                if (column is null) throw Host.ExceptSchemaMismatch("inputSchema", role, name);
                return column.Value.Index;
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => new[]
            {
                new DataViewSchema.DetachedColumn(_parent._config.OutputColumnName, _parent._config.OutputType),
            };

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
                => col => activeOutput(0) && (col == _imageIndex || col == _thetaIndex);

            protected override void SaveModel(ModelSaveContext ctx) => _parent.SaveModel(ctx);

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                var config = _parent._config;
                var getImage = input.GetGetter<VBuffer<float>>(input.Schema[_imageIndex]);
                var getTheta = input.GetGetter<VBuffer<float>>(input.Schema[_thetaIndex]);
                var image = default(VBuffer<float>);
                var theta = default(VBuffer<float>);
                var imageDense = new float[config.InputShape.Size];
                var thetaDense = new float[config.ParameterCount];
                var warped = new float[config.OutputShape.Size];
                long cachedPosition = -1;

                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
                {
                    // One warp per row, however many times the value is read.
                    if (cachedPosition != input.Position)
                    {
                        getImage(ref image);
                        getTheta(ref theta);
                        image.CopyTo(imageDense);
                        theta.CopyTo(thetaDense);
                        _parent._runner.Warp(imageDense, thetaDense, 1, input.Position, warped);
                        cachedPosition = input.Position;
                    }
                    var editor = VBufferEditor.Create(ref dst, warped.Length);
                    warped.AsSpan().CopyTo(editor.Values);
                    dst = editor.Commit();
                };
                return getter;
            }
        }
    }
}
