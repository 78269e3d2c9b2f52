using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Training;
using Microsoft.ML.Trainers;

namespace Microsoft.ML.SpatialTransformer.Trainers
{
    /// <summary>
    /// Trains a multi-digit sequence reader (the paper's SVHN models): a CNN whose last layer is one softmax head per
    /// digit
    /// position (5 positions, 11 classes each: the digits and "none"), with spatial transformers at the input (ST-CNN
    /// single), in series before the first classifier stages (ST-CNN multi, <see cref="Options.SeriesTransformers"/>),
    /// or
    /// none (<see cref="SpatialTransformKind.None"/>, the CNN). Features: an image vector [C,H,W]; label: a text column
    /// of
    /// 1 to 5 digits ("307"). The fitted <see cref="StCnnSequenceTransformer"/> adds PredictedSequence (text) and Score
    /// (Vector&lt;Single, 5, 11&gt;: each position's probabilities). Create it with
    /// <c>mlContext.MulticlassClassification.Trainers.StCnnSequence(...)</c>; evaluate with
    /// <c>mlContext.MulticlassClassification.EvaluateSequences(...)</c>.
    /// </summary>
    public sealed class StCnnSequenceEstimator : IEstimator<StCnnSequenceTransformer>
    {
        /// <summary>Default values shared by the catalog methods and <see cref="Options"/>.</summary>
        public static class Defaults
        {
            /// <summary>Affine spatial transformers.</summary>
            public const SpatialTransformKind Transform = SpatialTransformKind.Affine;
            /// <summary>Epochs planned.</summary>
            public const int MaxEpochs = 10;
            /// <summary>Rows per optimiser step.</summary>
            public const int BatchSize = 64;
            /// <summary>Adam's base learning rate.</summary>
            public const double LearningRate = 1e-3;
        }

        /// <summary>Settings of the network and of its training. Defaults: ST-CNN single (one affine ST at the input),
        /// Adam.</summary>
        public sealed class Options
        {
            /// <summary>The text column of digits; default "Label".</summary>
            public string LabelColumnName = DefaultColumnNames.Label;
            /// <summary>The image column, Vector&lt;Single&gt; [C,H,W]; default "Features".</summary>
            public string FeatureColumnName = DefaultColumnNames.Features;
            /// <summary>Output: the predicted digits as text; default "PredictedSequence".</summary>
            public string PredictedSequenceColumnName = StCnnSequenceTransformer.DefaultPredictedSequenceColumnName;
            /// <summary>Output: each position's class probabilities, Vector&lt;Single, 5, 11&gt;; default
            /// "Score".</summary>
            public string ScoreColumnName = DefaultColumnNames.Score;

            /// <summary>Transform family of every ST; None trains the plain CNN; default Affine.</summary>
            public SpatialTransformKind Transform = Defaults.Transform;
            /// <summary>0 (default): one ST at the input (ST-CNN single). k > 0: an ST before each of the first k
            /// classifier stages (ST-CNN multi; at most the classifier's stage count).</summary>
            public int SeriesTransformers;
            /// <summary>Localisation network of every ST; default Cnn.</summary>
            public LocalisationNetworkKind Localisation = LocalisationNetworkKind.Cnn;
            /// <summary>Localisation widths; null: the architecture's defaults.</summary>
            public int[] LocalisationWidths;
            /// <summary>Filters of each CNN stage (conv + 2x2 pool); null: 32, 64. The paper's SVHN CNN is deeper; four
            /// stages suit 64-128 px.</summary>
            public int[] ClassifierWidths;
            /// <summary>Dropout before the heads; default 0; in [0, 1).</summary>
            public double Dropout;
            /// <summary>Batch normalisation after each convolution; default false.</summary>
            public bool BatchNorm;
            /// <summary>How the input is scaled; default PerChannelMeanStd (statistics measured at Fit, saved with the
            /// model).</summary>
            public InputNormalization InputNormalization = InputNormalization.PerChannelMeanStd;
            /// <summary>Shape of a flat feature vector (vectors with [C,H,W] dimensions need none).</summary>
            public int ImageChannels;
            /// <summary>See <see cref="ImageChannels"/>.</summary>
            public int ImageHeight;
            /// <summary>See <see cref="ImageChannels"/>.</summary>
            public int ImageWidth;

            /// <summary>Optimizer; default Adam.</summary>
            public OptimizerKind Optimizer = OptimizerKind.Adam;
            /// <summary>Base learning rate; default 1e-3; positive.</summary>
            public double LearningRate = Defaults.LearningRate;
            /// <summary>L2 weight decay; default 0; 0 or positive.</summary>
            public double WeightDecay;
            /// <summary>
            /// Learning rate of the localisation networks relative to the rest; 0 or a positive finite number. Default
            /// null: 0.1 for images above 64 px a side (the paper's SVHN setting), 1 otherwise.
            /// </summary>
            public double? LocalisationLearningRateMultiplier;
            /// <summary>Learning-rate schedule over the planned epochs; default Cosine.</summary>
            public LearningRateScheduleKind LearningRateSchedule = LearningRateScheduleKind.Cosine;
            /// <summary>Epochs planned; default 10; positive.</summary>
            public int MaxEpochs = Defaults.MaxEpochs;
            /// <summary>Rows per step; default 64; positive.</summary>
            public int BatchSize = Defaults.BatchSize;
            /// <summary>Clip the gradients' global norm to this value; 0 (default): off.</summary>
            public double GradientClipNorm;
            /// <summary>Training time to use (the schedule is fitted to the epochs that fit); null (default): no
            /// limit.</summary>
            public TimeSpan? TrainingTimeBudget;
            /// <summary>Rows scored after every epoch (validation loss and sequence accuracy in the history); null:
            /// none.</summary>
            public IDataView ValidationSet;
            /// <summary>Cancels Fit within one batch; default: none.</summary>
            public CancellationToken CancellationToken;
            /// <summary>Receives the running loss and sequence accuracy after every batch; null: none.</summary>
            public IProgress<TrainingProgress> Progress;
        }

        private readonly IHost _host;
        private readonly Options _options;

        internal StCnnSequenceEstimator(IHostEnvironment env, Options options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(StCnnSequenceEstimator));
            _host.CheckValue(options, nameof(options));
            _host.CheckNonEmpty(options.FeatureColumnName, nameof(options.FeatureColumnName));
            _host.CheckNonEmpty(options.LabelColumnName, nameof(options.LabelColumnName));
            _host.CheckNonEmpty(options.PredictedSequenceColumnName, nameof(options.PredictedSequenceColumnName));
            _host.CheckNonEmpty(options.ScoreColumnName, nameof(options.ScoreColumnName));
            OptionChecks.Positive(_host, options.MaxEpochs, nameof(options.MaxEpochs));
            OptionChecks.Positive(_host, options.BatchSize, nameof(options.BatchSize));
            OptionChecks.Positive(_host, options.LearningRate, nameof(options.LearningRate));
            OptionChecks.NonNegative(_host, options.WeightDecay, nameof(options.WeightDecay));
            if (options.LocalisationLearningRateMultiplier is double multiplier)
                OptionChecks.NonNegative(_host, multiplier, nameof(options.LocalisationLearningRateMultiplier));
            OptionChecks.InRange(_host, options.Dropout, nameof(options.Dropout), 0, 1, maxIncluded: false);
            OptionChecks.NonNegative(_host, options.GradientClipNorm, nameof(options.GradientClipNorm));
            OptionChecks.Positive(_host, options.TrainingTimeBudget, nameof(options.TrainingTimeBudget));
            _options = options;
        }

        /// <summary>Per-epoch metrics of the last Fit (accuracy: whole sequences right); also the model's
        /// History.</summary>
        public IReadOnlyList<EpochMetrics> History { get; private set; } = Array.Empty<EpochMetrics>();

        /// <summary>Trains the network on <paramref name="input"/>'s images and digit strings.</summary>
        public StCnnSequenceTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            var features = input.Schema.GetColumnOrNull(_options.FeatureColumnName)
                ?? throw _host.ExceptSchemaMismatch(nameof(input), "feature", _options.FeatureColumnName);
            var label = input.Schema.GetColumnOrNull(_options.LabelColumnName)
                ?? throw _host.ExceptSchemaMismatch(nameof(input), "label", _options.LabelColumnName);
            DigitSequenceLabels.CheckColumn(_host, label, nameof(input));
            var shape = ImageShape.Resolve(_host, _options.FeatureColumnName, features.Type,
                _options.ImageChannels, _options.ImageHeight, _options.ImageWidth);
            var network = NetworkOptions(shape);
            var (model, history) = NetworkTrainer.Train(_host, network, new TrainingSettings
                {
                    Optimizer = _options.Optimizer, LearningRate = _options.LearningRate,
                    WeightDecay = _options.WeightDecay,
                    Schedule = _options.LearningRateSchedule,
                    LocalisationLearningRateMultiplier = _options.LocalisationLearningRateMultiplier
                        ?? TrainingSettings.Defaults.LocalisationLearningRateMultiplierFor(shape.Height, shape.Width),
                    MaxEpochs = _options.MaxEpochs, BatchSize = _options.BatchSize,
                    GradientClipNorm = _options.GradientClipNorm,
                    TimeBudget = _options.TrainingTimeBudget, Progress = _options.Progress,
                    Cancellation = _options.CancellationToken,
                },
                input, _options.ValidationSet, _options.FeatureColumnName, _options.LabelColumnName,
                "StCnnSequence training",
                DigitSequenceLabels.Instance);
            History = history;
            var dims = features.Type is VectorDataViewType { Dimensions.Length: > 1 } v
                ? v.Dimensions.ToArray()
                : new[] { shape.Size };
            return new StCnnSequenceTransformer(_host, model, dims, history, _options.FeatureColumnName,
                _options.PredictedSequenceColumnName, _options.ScoreColumnName);
        }

        /// <summary>The input schema with PredictedSequence (Text) and Score (Vector&lt;Single, 55&gt;)
        /// added.</summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            if (!inputSchema.TryFindColumn(_options.FeatureColumnName, out var features))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "feature", _options.FeatureColumnName);
            if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "feature", _options.FeatureColumnName,
                    "known-size vector of Single", features.GetTypeString());
            if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName);
            if (label.ItemType is not TextDataViewType || label.Kind != SchemaShape.Column.VectorKind.Scalar)
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "label", _options.LabelColumnName, "String",
                    label.GetTypeString());
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[_options.PredictedSequenceColumnName] = new SchemaShape.Column(_options.PredictedSequenceColumnName,
                SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false);
            columns[_options.ScoreColumnName] = new SchemaShape.Column(_options.ScoreColumnName,
                SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
            return new SchemaShape(columns.Values);
        }

        private StNetworkOptions NetworkOptions(ImageShape shape)
        {
            var o = new StNetworkOptions
            {
                InputChannels = shape.Channels, InputHeight = shape.Height, InputWidth = shape.Width,
                Classes = DigitSequenceLabels.MaxPositions * DigitSequenceLabels.ClassesPerPosition,
                Transform = _options.Transform, Localisation = _options.Localisation,
                LocalisationWidths = _options.LocalisationWidths,
                Classifier = ClassifierKind.Cnn, ClassifierWidths = _options.ClassifierWidths,
                SeriesTransformers = _options.Transform == SpatialTransformKind.None ? 0 : _options.SeriesTransformers,
                Dropout = _options.Dropout, BatchNorm = _options.BatchNorm,
                InputNormalization = _options.InputNormalization,
            };
            try { o.Validate(); }
            catch (ArgumentException e) { throw _host.ExceptUserArg(e.ParamName, e.Message); }
            int stages = ClassifierFeatures.Widths(ClassifierKind.Cnn, _options.ClassifierWidths).Length;
            if (_options.SeriesTransformers > stages)
                throw _host.ExceptUserArg(nameof(Options.SeriesTransformers),
                    $"must be at most the classifier's {stages} stage(s); got {_options.SeriesTransformers}");
            return o;
        }
    }
}
