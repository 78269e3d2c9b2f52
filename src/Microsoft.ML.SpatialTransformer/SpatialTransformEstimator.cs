using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Functional;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Warps an image column [C,H,W] by the transform in a theta column (one row of parameters per image), with any of the
    /// paper's transform families: augmentation, canonicalisation by known pose, cropping at another resolution.
    /// Create it with <c>mlContext.Transforms.SpatialTransform(...)</c>.
    /// </summary>
    public sealed class SpatialTransformEstimator : IEstimator<SpatialTransformTransformer>
    {
        /// <summary>Default values shared by the catalog methods and <see cref="Options"/>.</summary>
        public static class Defaults
        {
            public const string ThetaColumnName = "Theta";
            public const SpatialTransformKind Kind = SpatialTransformKind.Affine;
            public const int TpsGridSize = TransformFamily.DefaultTpsGridSize;
            public const SamplingMode Sampling = SamplingMode.Bilinear;
            public const PaddingMode Padding = PaddingMode.Zeros;
            public const int BatchSize = 256;
        }

        /// <summary>Settings of the spatial transform.</summary>
        public sealed class Options
        {
            /// <summary>Name of the warped image column (Vector&lt;Single, C, H', W'&gt;).</summary>
            public string OutputColumnName;
            /// <summary>Name of the image column (known-size Vector&lt;Single&gt;); null means <see cref="OutputColumnName"/>.</summary>
            public string InputColumnName;
            /// <summary>Name of the column of transform parameters (Vector&lt;Single, P&gt;, P as the kind needs).</summary>
            public string ThetaColumnName = Defaults.ThetaColumnName;
            /// <summary>The transform family of the theta column.</summary>
            public SpatialTransformKind Kind = Defaults.Kind;
            /// <summary>Height of the output; 0 keeps the input's.</summary>
            public int OutputHeight;
            /// <summary>Width of the output; 0 keeps the input's.</summary>
            public int OutputWidth;
            /// <summary>Control points per side of a thin plate spline (K = k x k).</summary>
            public int TpsGridSize = Defaults.TpsGridSize;
            /// <summary>Sampling kernel.</summary>
            public SamplingMode Sampling = Defaults.Sampling;
            /// <summary>What the sampler reads outside the image.</summary>
            public PaddingMode Padding = Defaults.Padding;
            /// <summary>Channels of a flat image vector (vectors with [C,H,W] dimensions need none).</summary>
            public int ImageChannels;
            /// <summary>Height of a flat image vector.</summary>
            public int ImageHeight;
            /// <summary>Width of a flat image vector.</summary>
            public int ImageWidth;
            /// <summary>Rows warped together by <see cref="SpatialTransformTransformer"/>'s Transform.</summary>
            public int BatchSize = Defaults.BatchSize;
        }

        private readonly IHost _host;
        private readonly Options _options;

        internal SpatialTransformEstimator(IHostEnvironment env, Options options)
        {
            Contracts.CheckValue(env, nameof(env));
            _host = env.Register(nameof(SpatialTransformEstimator));
            _host.CheckValue(options, nameof(options));
            _host.CheckNonEmpty(options.OutputColumnName, nameof(options.OutputColumnName));
            _host.CheckNonEmpty(options.ThetaColumnName, nameof(options.ThetaColumnName));
            _host.CheckUserArg(options.Kind != SpatialTransformKind.None, nameof(options.Kind),
                "must be a transform family to apply a theta column; got None");
            _host.CheckUserArg(options.OutputHeight >= 0, nameof(options.OutputHeight), $"must be 0 (the input's) or positive; got {options.OutputHeight}");
            _host.CheckUserArg(options.OutputWidth >= 0, nameof(options.OutputWidth), $"must be 0 (the input's) or positive; got {options.OutputWidth}");
            _host.CheckUserArg(options.TpsGridSize >= 2, nameof(options.TpsGridSize), $"must be at least 2; got {options.TpsGridSize}");
            _host.CheckUserArg(options.BatchSize > 0, nameof(options.BatchSize), $"must be positive; got {options.BatchSize}");
            TorchNativeLibrary.EnsureLoaded();
            _options = options;
        }

        private string InputColumnName => _options.InputColumnName ?? _options.OutputColumnName;

        /// <summary>Checks the input schema and returns the transformer (nothing is learned from the data).</summary>
        public SpatialTransformTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            var imageColumn = FindColumn(input.Schema, InputColumnName);
            var shape = ImageShape.Resolve(_host, InputColumnName, imageColumn.Type,
                _options.ImageChannels, _options.ImageHeight, _options.ImageWidth);
            var config = new SpatialTransformConfig(
                _options.OutputColumnName, InputColumnName, _options.ThetaColumnName, _options.Kind, shape,
                _options.OutputHeight > 0 ? _options.OutputHeight : shape.Height,
                _options.OutputWidth > 0 ? _options.OutputWidth : shape.Width,
                _options.TpsGridSize, _options.Sampling, _options.Padding, _options.BatchSize);
            config.CheckThetaColumn(_host, FindColumn(input.Schema, _options.ThetaColumnName).Type);
            return new SpatialTransformTransformer(_host, config);
        }

        /// <summary>Propagates the schema: adds the warped image column.</summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            if (!inputSchema.TryFindColumn(InputColumnName, out var image))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", InputColumnName);
            ImageShape.CheckShapeColumn(_host, image, _options.ImageChannels, _options.ImageHeight, _options.ImageWidth);
            if (!inputSchema.TryFindColumn(_options.ThetaColumnName, out var theta))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "theta", _options.ThetaColumnName);
            if (theta.Kind != SchemaShape.Column.VectorKind.Vector || theta.ItemType != NumberDataViewType.Single)
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "theta", _options.ThetaColumnName,
                    $"Vector<Single, {TransformFamily.ParameterCount(_options.Kind, _options.TpsGridSize)}>", theta.GetTypeString());
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName,
                SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
            return new SchemaShape(columns.Values);
        }

        private DataViewSchema.Column FindColumn(DataViewSchema schema, string name)
        {
            var column = schema.GetColumnOrNull(name);
            if (column is null)
                throw _host.ExceptSchemaMismatch("inputSchema", name == _options.ThetaColumnName ? "theta" : "input", name);
            return column.Value;
        }
    }
}
