using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers
{
    /// <summary>
    /// Trains a spatial-transformer image classifier (ST-CNN, ST-FCN, or a plain CNN/FCN baseline with
    /// <see cref="SpatialTransformKind.None"/>) with TorchSharp. Features: a known-size Vector&lt;Single&gt; image [C,H,W];
    /// label: a key column. Create it with <c>mlContext.MulticlassClassification.Trainers.StCnn(...)</c>.
    /// </summary>
    public sealed class StCnnTrainer : TrainerEstimatorBase<MulticlassPredictionTransformer<StCnnModelParameters>, StCnnModelParameters>
    {
        internal const string LoadName = "StCnn";

        /// <summary>Default values shared by the catalog methods and <see cref="Options"/>.</summary>
        public static class Defaults
        {
            public const SpatialTransformKind Transform = SpatialTransformKind.Affine;
            public const int MaxEpochs = 10;
            public const int BatchSize = 64;
            public const double LearningRate = 1e-3;
        }

        /// <summary>Settings of the network and of its training. Defaults: an affine ST-CNN trained with Adam.</summary>
        public sealed class Options
        {
            public string LabelColumnName = DefaultColumnNames.Label;
            public string FeatureColumnName = DefaultColumnNames.Features;

            // Network (see StNetworkOptions for the meaning of each).
            public SpatialTransformKind Transform = Defaults.Transform;
            public int TpsGridSize = Microsoft.ML.SpatialTransformer.Functional.TransformFamily.DefaultTpsGridSize;
            public LocalisationNetworkKind Localisation = LocalisationNetworkKind.Cnn;
            public int[] LocalisationWidths;
            public ClassifierKind Classifier = ClassifierKind.Cnn;
            public int[] ClassifierWidths;
            public int ParallelTransformers = 1;
            public int SeriesTransformers;
            public int TransformOutputHeight;
            public int TransformOutputWidth;
            public bool DownsampleAfterTransform;
            public SamplingMode Sampling = SamplingMode.Bilinear;
            public PaddingMode Padding = PaddingMode.Zeros;
            public double Dropout;
            public bool BatchNorm;

            /// <summary>Shape of a flat feature vector (vectors with [C,H,W] dimensions need none).</summary>
            public int ImageChannels;
            public int ImageHeight;
            public int ImageWidth;

            // Training.
            public OptimizerKind Optimizer = OptimizerKind.Adam;
            public double LearningRate = Defaults.LearningRate;
            public double Momentum = 0.9;
            public double WeightDecay;
            public LearningRateScheduleKind LearningRateSchedule = LearningRateScheduleKind.Cosine;
            /// <summary>Epochs between step decays; 0 means a third of MaxEpochs (the paper's schedule).</summary>
            public int StepDecayEpochs;
            public double StepDecayFactor = 0.1;
            /// <summary>Learning rate of the localisation networks relative to the rest (the paper's SVHN: 0.1).</summary>
            public double LocalisationLearningRateMultiplier = 1.0;
            public int MaxEpochs = Defaults.MaxEpochs;
            public int BatchSize = Defaults.BatchSize;
            /// <summary>Data scored after every epoch (loss and accuracy in the history); needed for early stopping.</summary>
            public IDataView ValidationSet;
            /// <summary>Stop after this many epochs without a lower validation loss and keep the best weights; 0: off.</summary>
            public int EarlyStoppingPatience;
            /// <summary>Clip the gradients' global norm to this value; 0: off.</summary>
            public double GradientClipNorm;
            /// <summary>Stop early (keeping the model) rather than start an epoch that would end past this much training time; null: no limit.</summary>
            public TimeSpan? TrainingTimeBudget;
            /// <summary>Receives the epoch, batch, running loss and accuracy after every batch (for a progress bar); null: none.</summary>
            public IProgress<TrainingProgress> Progress;

            // Augmentation: every training image gets a fresh random affine warp in every epoch (seeded from the MLContext).
            /// <summary>Random rotation up to this many degrees either way; 0: none.</summary>
            public double AugmentRotationDegrees;
            /// <summary>Random scale factor drawn from [1 - AugmentScale, 1 + AugmentScale]; 0: none.</summary>
            public double AugmentScale;
            /// <summary>Random shift up to this fraction of the image size along each axis; 0: none.</summary>
            public double AugmentTranslation;
        }

        private readonly Options _options;
        private static readonly TrainerInfo s_info = new TrainerInfo(normalization: false, caching: false);

        internal StCnnTrainer(IHostEnvironment env, Options options)
            : base(Contracts.CheckRef(env, nameof(env)).Register(LoadName),
                TrainerUtils.MakeR4VecFeature(options?.FeatureColumnName ?? DefaultColumnNames.Features),
                TrainerUtils.MakeU4ScalarColumn(options?.LabelColumnName ?? DefaultColumnNames.Label))
        {
            Host.CheckValue(options, nameof(options));
            Host.CheckNonEmpty(options.FeatureColumnName, nameof(options.FeatureColumnName));
            Host.CheckNonEmpty(options.LabelColumnName, nameof(options.LabelColumnName));
            Host.CheckUserArg(options.MaxEpochs > 0, nameof(options.MaxEpochs), $"must be positive; got {options.MaxEpochs}");
            Host.CheckUserArg(options.BatchSize > 0, nameof(options.BatchSize), $"must be positive; got {options.BatchSize}");
            Host.CheckUserArg(options.LearningRate > 0 && double.IsFinite(options.LearningRate), nameof(options.LearningRate), $"must be positive; got {options.LearningRate}");
            Host.CheckUserArg(options.LocalisationLearningRateMultiplier >= 0, nameof(options.LocalisationLearningRateMultiplier), $"must be 0 or positive; got {options.LocalisationLearningRateMultiplier}");
            Host.CheckUserArg(options.EarlyStoppingPatience >= 0, nameof(options.EarlyStoppingPatience), $"must be 0 or positive; got {options.EarlyStoppingPatience}");
            Host.CheckUserArg(options.EarlyStoppingPatience == 0 || options.ValidationSet is not null, nameof(options.EarlyStoppingPatience), "needs a ValidationSet");
            Host.CheckUserArg(options.GradientClipNorm >= 0, nameof(options.GradientClipNorm), $"must be 0 or positive; got {options.GradientClipNorm}");
            Host.CheckUserArg(options.AugmentRotationDegrees >= 0 && options.AugmentRotationDegrees <= 180, nameof(options.AugmentRotationDegrees), $"must be between 0 and 180; got {options.AugmentRotationDegrees}");
            Host.CheckUserArg(options.AugmentScale >= 0 && options.AugmentScale < 1, nameof(options.AugmentScale), $"must be in [0, 1); got {options.AugmentScale}");
            Host.CheckUserArg(options.AugmentTranslation >= 0 && options.AugmentTranslation <= 1, nameof(options.AugmentTranslation), $"must be between 0 and 1; got {options.AugmentTranslation}");
            _options = options;
        }

        public override TrainerInfo Info => s_info;

        protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        /// <summary>Per-epoch metrics of the last Fit (also in the model's History).</summary>
        public IReadOnlyList<EpochMetrics> History { get; private set; } = Array.Empty<EpochMetrics>();

        protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema)
        {
            bool found = inputSchema.TryFindColumn(LabelColumn.Name, out var label);
            Host.Assert(found);
            var predictedLabelAnnotations = new SchemaShape(label.Annotations.Where(a => a.Name == AnnotationUtils.Kinds.KeyValues)
                .Concat(AnnotationUtils.GetTrainerOutputAnnotation()));
            return new[]
            {
                new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
                    new SchemaShape(AnnotationUtils.AnnotationsForMulticlassScoreColumn(label))),
                new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true,
                    predictedLabelAnnotations),
            };
        }

        protected override MulticlassPredictionTransformer<StCnnModelParameters> MakeTransformer(StCnnModelParameters model, DataViewSchema trainSchema)
            => new MulticlassPredictionTransformer<StCnnModelParameters>(Host, model, trainSchema, FeatureColumn.Name, LabelColumn.Name);

        protected override StCnnModelParameters TrainModelCore(TrainContext context)
        {
            Host.CheckValue(context, nameof(context));
            var data = context.TrainingSet.Data;
            var featureColumn = data.Schema[FeatureColumn.Name];
            var shape = ImageShape.Resolve(Host, FeatureColumn.Name, featureColumn.Type, _options.ImageChannels, _options.ImageHeight, _options.ImageWidth);
            int classes = ClassCount(data.Schema[LabelColumn.Name]);
            var network = NetworkOptions(shape, classes);

            if (_options.ValidationSet is not null) CheckValidationSchema(_options.ValidationSet.Schema, shape);
            var (model, history) = NetworkTrainer.Train(Host, network, seed => new TrainingSettings(_options.Optimizer, _options.LearningRate,
                    _options.Momentum, _options.WeightDecay, _options.LearningRateSchedule,
                    _options.StepDecayEpochs > 0 ? _options.StepDecayEpochs : Math.Max(1, _options.MaxEpochs / 3), _options.StepDecayFactor,
                    _options.LocalisationLearningRateMultiplier, _options.MaxEpochs, _options.BatchSize, _options.EarlyStoppingPatience,
                    _options.GradientClipNorm, seed) {
                        TimeBudget = _options.TrainingTimeBudget, Progress = _options.Progress,
                        Augmentation = new RandomAffineAugmentation(_options.AugmentRotationDegrees, _options.AugmentScale, _options.AugmentTranslation),
                    },
                data, _options.ValidationSet, FeatureColumn.Name, LabelColumn.Name, "StCnn training");
            History = history;
            return new StCnnModelParameters(Host, model, FeatureDimensions(featureColumn.Type), history);
        }

        private StNetworkOptions NetworkOptions(ImageShape shape, int classes)
        {
            var o = new StNetworkOptions
            {
                InputChannels = shape.Channels, InputHeight = shape.Height, InputWidth = shape.Width, Classes = classes,
                Transform = _options.Transform, TpsGridSize = _options.TpsGridSize,
                Localisation = _options.Localisation, LocalisationWidths = _options.LocalisationWidths,
                Classifier = _options.Classifier, ClassifierWidths = _options.ClassifierWidths,
                ParallelTransformers = _options.ParallelTransformers, SeriesTransformers = _options.SeriesTransformers,
                TransformOutputHeight = _options.TransformOutputHeight, TransformOutputWidth = _options.TransformOutputWidth,
                DownsampleAfterTransform = _options.DownsampleAfterTransform, Sampling = _options.Sampling, Padding = _options.Padding,
                Dropout = _options.Dropout, BatchNorm = _options.BatchNorm,
            };
            try { o.Validate(); }
            catch (ArgumentException e) { throw Host.ExceptUserArg(e.ParamName, e.Message); }
            return o;
        }

        private int ClassCount(DataViewSchema.Column label)
        {
            if (label.Type is not KeyDataViewType key)
                throw Host.ExceptSchemaMismatch("inputSchema", "label", label.Name, "Key<UInt32>", label.Type.ToString());
            ulong count = key.Count;
            if (count < 2)
                throw Host.Except($"The label column '{label.Name}' has {count} class(es); a classifier needs at least 2.");
            return checked((int)count);
        }

        private void CheckValidationSchema(DataViewSchema schema, ImageShape shape)
        {
            var features = schema.GetColumnOrNull(FeatureColumn.Name)
                ?? throw Host.ExceptSchemaMismatch(nameof(Options.ValidationSet), "feature", FeatureColumn.Name);
            if (features.Type is not VectorDataViewType v || v.ItemType != NumberDataViewType.Single || v.Size != shape.Size)
                throw Host.ExceptSchemaMismatch(nameof(Options.ValidationSet), "feature", FeatureColumn.Name, shape.VectorTypeName, features.Type.ToString());
            var label = schema.GetColumnOrNull(LabelColumn.Name)
                ?? throw Host.ExceptSchemaMismatch(nameof(Options.ValidationSet), "label", LabelColumn.Name);
            if (label.Type is not KeyDataViewType)
                throw Host.ExceptSchemaMismatch(nameof(Options.ValidationSet), "label", LabelColumn.Name, "Key<UInt32>", label.Type.ToString());
        }

        private static int[] FeatureDimensions(DataViewType type)
        {
            var vector = (VectorDataViewType)type;
            return vector.Dimensions.Length > 1 ? vector.Dimensions.ToArray() : new[] { vector.Size };
        }
    }
}
