using Microsoft.ML.SpatialTransformer.Persistence;
using System;
using System.Linq;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Training;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Warps an image column [C,H,W] with any of the paper's transform families. Given a theta column, it applies that
    /// transform row by row (augmentation, canonicalisation by known pose, cropping at another resolution). Given a
    /// label column instead (<see cref="Options.LabelColumnName"/>), Fit learns a localisation network end to end
    /// through a small auxiliary classifier, and the transformer outputs the canonicalised image and the theta it
    /// regressed, so any ML.NET trainer can consume canonicalised images. With <see cref="Options.Objective"/> =
    /// <see cref="SpatialTransformObjective.CoLocalisation"/> it learns, from images of one object class and no labels,
    /// an attention transform that crops the object they share (theta is then its box, see
    /// <see cref="ThetaDecomposition.AttentionBox"/>). Create it with
    /// <c>mlContext.Transforms.SpatialTransform(...)</c>.
    /// </summary>
    public sealed class SpatialTransformEstimator : IEstimator<SpatialTransformTransformer>
    {
        /// <summary>Default values shared by the catalog methods and <see cref="Options"/>.</summary>
        public static class Defaults
        {
            /// <summary>Name of the theta column: read in given-transform mode, written in learned mode.</summary>
            public const string ThetaColumnName = "Theta";
            /// <summary>Transform family: affine (6 parameters).</summary>
            public const SpatialTransformKind Transform = SpatialTransformKind.Affine;
            /// <summary>Thin plate spline control points per side (K = side x side).</summary>
            public const int TpsGridSize = TransformFamily.DefaultTpsGridSize;
            /// <summary>Sampling kernel: bilinear, as in the paper.</summary>
            public const SamplingMode Sampling = SamplingMode.Bilinear;
            /// <summary>Value sampled outside the input: zeros.</summary>
            public const PaddingMode Padding = PaddingMode.Zeros;
            /// <summary>Rows warped per native call when transforming a data view.</summary>
            public const int BatchSize = 256;
            /// <summary>Training epochs in learned mode.</summary>
            public const int MaxEpochs = 5;
            /// <summary>Rows per optimiser step in learned mode.</summary>
            public const int TrainingBatchSize = 64;
            /// <summary>Adam learning rate in learned mode.</summary>
            public const double LearningRate = 1e-3;
            /// <summary>Learned-mode objective: classification through an auxiliary classifier.</summary>
            public const SpatialTransformObjective Objective = SpatialTransformObjective.Classification;
            /// <summary>Co-localisation: epochs of end-to-end training on the triplet loss after the box regression
            /// (none: with the fixed crop embedding it moves the boxes found without improving them).</summary>
            public const int TripletEpochs = 0;
        }

        /// <summary>Settings of the spatial transform.</summary>
        public sealed class Options
        {
            /// <summary>Name of the warped image column (Vector&lt;Single, C, H', W'&gt;).</summary>
            public string OutputColumnName;
            /// <summary>
            /// Name of the image column (known-size Vector&lt;Single&gt;); null means <see cref="OutputColumnName"/>.
            /// </summary>
            public string InputColumnName;
            /// <summary>
            /// Name of the column of transform parameters (Vector&lt;Single, P&gt;, P as the kind needs).
            /// </summary>
            public string ThetaColumnName = Defaults.ThetaColumnName;
            /// <summary>
            /// The transform family (the same name as <c>StCnnTrainer.Options.Transform</c>): the meaning of the theta
            /// column's values. Default <see cref="SpatialTransformKind.Affine"/>; None is not allowed here.
            /// </summary>
            public SpatialTransformKind Transform = Defaults.Transform;
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
            /// <summary>
            /// Rows warped together by <see cref="SpatialTransformTransformer"/>'s Transform; default 256; positive.
            /// Fewer run together where a batch's buffer would pass 16 M values (64 MB; large outputs) or the data has
            /// fewer rows.
            /// </summary>
            public int BatchSize = Defaults.BatchSize;

            // Learned mode.
            /// <summary>
            /// A key column: set it to learn theta end to end instead of reading it (theta becomes an output column).
            /// Not read by <see cref="SpatialTransformObjective.CoLocalisation"/>.
            /// </summary>
            public string LabelColumnName;
            /// <summary>
            /// What learned mode trains for; default <see cref="SpatialTransformObjective.Classification"/> (which
            /// learns only when <see cref="LabelColumnName"/> is set). <see
            /// cref="SpatialTransformObjective.CoLocalisation"/> always learns theta, reads no label and needs <see
            /// cref="Transform"/> = <see cref="SpatialTransformKind.Attention"/>; train it on the images of one
            /// class (the paper: 100) and set OutputHeight and OutputWidth to the object's size in pixels: boxes have
            /// that size (one output pixel per input pixel). Fit first chooses each image's box among boxes a seventh
            /// of their side apart by the paper's triplet hinge loss (margin 1) on a fixed embedding of the crops
            /// (average-pooled to 7x7 cells, softly normalised), then trains the localisation network to regress those
            /// boxes (squared error, Adam, <see cref="LearningRate"/>, <see cref="MaxEpochs"/>,
            /// <see cref="TrainingBatchSize"/>), and, if <see cref="TripletEpochs"/> is positive, trains it end to end
            /// on the triplet loss through the sampler.
            /// </summary>
            public SpatialTransformObjective Objective = Defaults.Objective;
            /// <summary>
            /// <see cref="SpatialTransformObjective.CoLocalisation"/>: epochs of the last step, in which the
            /// localisation network learns by gradient descent on the triplet hinge loss itself, back-propagated
            /// through the sampler (the paper's training), from the boxes it learned to regress, at their scale;
            /// default 0 (none: with the fixed crop embedding this step moves the boxes the search found without making
            /// them better, as the co-localisation benchmark measures); positive to run it. Batches of
            /// <see cref="TrainingBatchSize"/>, Adam at a tenth of <see cref="LearningRate"/>.
            /// </summary>
            public int TripletEpochs = Defaults.TripletEpochs;
            /// <summary>Localisation network of the learned transform.</summary>
            public LocalisationNetworkKind Localisation = LocalisationNetworkKind.Cnn;
            /// <summary>Its widths (null: the architecture's defaults).</summary>
            public int[] LocalisationWidths;
            /// <summary>
            /// The classifier that supplies the training signal of the Classification objective; discarded after Fit.
            /// </summary>
            public ClassifierKind AuxiliaryClassifier = ClassifierKind.Cnn;
            /// <summary>
            /// Its widths (null: 16 and 32 filters for the CNN, the architecture's defaults otherwise).
            /// </summary>
            public int[] AuxiliaryClassifierWidths;
            /// <summary>Epochs of learned-mode training; default 5; positive.</summary>
            public int MaxEpochs = Defaults.MaxEpochs;
            /// <summary>
            /// Rows per training step in learned mode; default 64; positive (more than the rows means one batch of
            /// all).
            /// </summary>
            public int TrainingBatchSize = Defaults.TrainingBatchSize;
            /// <summary>
            /// Learned mode: how the localisation network's input is scaled; default PerChannelMeanStd (each channel's
            /// mean and standard deviation measured on the training rows at Fit and saved with the transform). The warp
            /// itself always applies to the image as given, so the output keeps the input's pixel scale. None feeds the
            /// pixels as they are.
            /// </summary>
            public InputNormalization InputNormalization = InputNormalization.PerChannelMeanStd;
            /// <summary>
            /// Adam's base learning rate in learned mode (cosine schedule); default 1e-3; a positive finite number.
            /// </summary>
            public double LearningRate = Defaults.LearningRate;
            /// <summary>
            /// Cancels a learned-mode Fit: training stops within one batch, frees what it held and throws an
            /// OperationCanceledException carrying this token; default: none.
            /// </summary>
            public CancellationToken CancellationToken;
            /// <summary>
            /// Bytes of training rows (float32 pixels) Fit keeps in memory; the rows past it go to a temporary file in
            /// <see cref="TemporaryDirectory"/>, read back every epoch, so the training data can be larger than memory.
            /// Null (default): a quarter of the memory available to the process
            /// (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes); 0: every row on disk. Results do not depend on it.
            /// </summary>
            public long? TrainingDataMemoryBudgetBytes;
            /// <summary>
            /// The folder of the temporary file for training rows past <see cref="TrainingDataMemoryBudgetBytes"/>
            /// (deleted when Fit ends); null (default): Path.GetTempPath().
            /// </summary>
            public string TemporaryDirectory;
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
            _host.CheckUserArg(options.Transform != SpatialTransformKind.None, nameof(options.Transform),
                "must be a transform family; got None");
            OptionChecks.Positive(_host, options.MaxEpochs, nameof(options.MaxEpochs));
            OptionChecks.Positive(_host, options.TrainingBatchSize, nameof(options.TrainingBatchSize));
            _host.CheckUserArg(options.TripletEpochs >= 0, nameof(options.TripletEpochs),
                $"must be 0 (none) or positive; got {options.TripletEpochs}");
            OptionChecks.Positive(_host, options.LearningRate, nameof(options.LearningRate));
            OptionChecks.Storage(_host, options.TrainingDataMemoryBudgetBytes,
                nameof(options.TrainingDataMemoryBudgetBytes), options.TemporaryDirectory,
                nameof(options.TemporaryDirectory));
            _host.CheckUserArg(options.OutputHeight >= 0, nameof(options.OutputHeight),
                $"must be 0 (the input's) or positive; got {options.OutputHeight}");
            _host.CheckUserArg(options.OutputWidth >= 0, nameof(options.OutputWidth),
                $"must be 0 (the input's) or positive; got {options.OutputWidth}");
            OutputSize.Check(_host, 1, options.OutputHeight, options.OutputWidth);
            _host.CheckUserArg(options.TpsGridSize >= 2, nameof(options.TpsGridSize),
                $"must be at least 2; got {options.TpsGridSize}");
            _host.CheckUserArg(Enum.IsDefined(options.InputNormalization), nameof(options.InputNormalization),
                $"is not a normalization kind: {(int)options.InputNormalization}");
            _host.CheckUserArg(Enum.IsDefined(options.Objective), nameof(options.Objective),
                $"is not an objective: {(int)options.Objective}");
            _host.CheckUserArg(options.Objective != SpatialTransformObjective.CoLocalisation
                || options.Transform == SpatialTransformKind.Attention, nameof(options.Transform),
                $"must be Attention for the CoLocalisation objective; got {options.Transform}");
            _host.CheckUserArg(options.BatchSize > 0, nameof(options.BatchSize),
                $"must be positive; got {options.BatchSize}");
            _options = options;
        }

        private string InputColumnName => _options.InputColumnName ?? _options.OutputColumnName;

        private bool CoLocalisation => _options.Objective == SpatialTransformObjective.CoLocalisation;

        private bool Learned => CoLocalisation || !string.IsNullOrEmpty(_options.LabelColumnName);

        /// <summary>
        /// Checks the input schema and returns the transformer. In learned mode (a label column, or <see
        /// cref="Options.Objective"/> = <see cref="SpatialTransformObjective.CoLocalisation"/>, which reads no label)
        /// it first trains the localisation network on <paramref name="input"/>; given a theta column it trains
        /// nothing.
        /// </summary>
        public SpatialTransformTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            var imageColumn = FindColumn(input.Schema, InputColumnName);
            var shape = ImageShape.Resolve(_host, InputColumnName, imageColumn.Type,
                _options.ImageChannels, _options.ImageHeight, _options.ImageWidth);
            var config = new SpatialTransformConfig(
                _options.OutputColumnName, InputColumnName, _options.ThetaColumnName, _options.Transform, shape,
                _options.OutputHeight > 0 ? _options.OutputHeight : shape.Height,
                _options.OutputWidth > 0 ? _options.OutputWidth : shape.Width,
                _options.TpsGridSize, _options.Sampling, _options.Padding, _options.BatchSize);
            OutputSize.Check(_host, shape.Channels, config.OutputHeight, config.OutputWidth);
            if (!Learned)
            {
                config.CheckThetaColumn(_host, FindColumn(input.Schema, _options.ThetaColumnName).Type);
                return new SpatialTransformTransformer(_host, config);
            }
            config = config with { Learned = true, Localisation = _options.Localisation,
                LocalisationWidths = _options.LocalisationWidths,
                InputNormalization = _options.InputNormalization };
            return CoLocalisation ? new SpatialTransformTransformer(_host, config, CoLocalise(input, config))
                : LearnTransform(input, config);
        }

        // Trains the attention transform alone on the triplet loss (no label, no classifier).
        private Modules.SpatialTransformerModule CoLocalise(IDataView input, SpatialTransformConfig config) =>
            Training.CoLocalisation.CoLocalisationTrainer.Train(_host, config, Settings(), input, InputColumnName,
                _options.TripletEpochs);

        private TrainingSettings Settings() => new TrainingSettings
        {
            LearningRate = _options.LearningRate, MaxEpochs = _options.MaxEpochs,
            BatchSize = _options.TrainingBatchSize,
            Cancellation = _options.CancellationToken,
            Storage = TrainingDataStorage.From(_options.TrainingDataMemoryBudgetBytes, _options.TemporaryDirectory),
        };

        // Trains ST + auxiliary classifier on the label, then keeps a copy of the ST alone.
        private SpatialTransformTransformer LearnTransform(IDataView input, SpatialTransformConfig config)
        {
            var label = input.Schema.GetColumnOrNull(_options.LabelColumnName)
                ?? throw _host.ExceptSchemaMismatch("inputSchema", "label", _options.LabelColumnName);
            if (label.Type is not KeyDataViewType key || key.RawType != typeof(uint))
                throw _host.ExceptSchemaMismatch("inputSchema", "label", _options.LabelColumnName, "Key<UInt32>",
                    label.Type.ToString());
            if (key.Count < 2)
                throw _host.Except($"The label column '{_options.LabelColumnName}' has {key.Count} class(es); " +
                    "learning a transform needs at least 2.");
            var shape = config.InputShape;
            var network = new StNetworkOptions
            {
                InputChannels = shape.Channels, InputHeight = shape.Height, InputWidth = shape.Width,
                Classes = (int)key.Count, Transform = config.Kind, TpsGridSize = config.TpsGridSize,
                Localisation = config.Localisation, LocalisationWidths = config.LocalisationWidths,
                Classifier = _options.AuxiliaryClassifier,
                ClassifierWidths = _options.AuxiliaryClassifierWidths
                    ?? (_options.AuxiliaryClassifier == ClassifierKind.Cnn ? new[] { 16, 32 } : null),
                TransformOutputHeight = config.OutputHeight, TransformOutputWidth = config.OutputWidth,
                Sampling = config.Sampling, Padding = config.Padding, InputNormalization = config.InputNormalization,
            };
            var (trained, _) = NetworkTrainer.Train(_host, network, Settings(), input, null, InputColumnName,
                _options.LabelColumnName, "Learning a spatial transform");
            using (trained)
                return SpatialTransformExtraction.FromNetwork(_host, trained, 0, config.OutputColumnName,
                    config.InputColumnName,
                    config.ThetaColumnName, config.BatchSize);
        }

        /// <summary>Propagates the schema: adds the warped image column.</summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            if (!inputSchema.TryFindColumn(InputColumnName, out var image))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", InputColumnName);
            ImageShape.CheckShapeColumn(_host, image, _options.ImageChannels, _options.ImageHeight,
                _options.ImageWidth);
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName,
                SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
            if (Learned)
            {
                if (CoLocalisation)
                {
                    columns[_options.ThetaColumnName] = new SchemaShape.Column(_options.ThetaColumnName,
                        SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
                    return new SchemaShape(columns.Values);
                }
                if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
                    throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName);
                if (!label.IsKey)
                    throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName,
                        "Key<UInt32>", label.GetTypeString());
                columns[_options.ThetaColumnName] = new SchemaShape.Column(_options.ThetaColumnName,
                    SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
                return new SchemaShape(columns.Values);
            }
            if (!inputSchema.TryFindColumn(_options.ThetaColumnName, out var theta))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "theta", _options.ThetaColumnName);
            if (theta.Kind != SchemaShape.Column.VectorKind.Vector || theta.ItemType != NumberDataViewType.Single)
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "theta", _options.ThetaColumnName,
                    $"Vector<Single, {TransformFamily.ParameterCount(_options.Transform, _options.TpsGridSize)}>",
                    theta.GetTypeString());
            return new SchemaShape(columns.Values);
        }

        private DataViewSchema.Column FindColumn(DataViewSchema schema, string name)
        {
            var column = schema.GetColumnOrNull(name);
            if (column is null)
                throw _host.ExceptSchemaMismatch("inputSchema", name == _options.ThetaColumnName ? "theta" : "input",
                    name);
            return column.Value;
        }
    }
}
