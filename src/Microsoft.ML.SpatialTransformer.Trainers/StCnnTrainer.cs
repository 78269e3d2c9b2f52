using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Scoring;
using Microsoft.ML.SpatialTransformer.Training;
using Microsoft.ML.Trainers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Trainers
{
    /// <summary>
    /// Trains a spatial-transformer image classifier (ST-CNN, ST-FCN, or a plain CNN/FCN baseline with
    /// <see cref="SpatialTransformKind.None"/>) with TorchSharp. Features: a known-size Vector&lt;Single&gt; image
    /// [C,H,W]; label: a key column. Create it with <c>mlContext.MulticlassClassification.Trainers.StCnn(...)</c>.
    /// </summary>
    public sealed class StCnnTrainer : TrainerEstimatorBase<StCnnPredictionTransformer, StCnnModelParameters>
    {
        internal const string LoadName = "StCnn";

        /// <summary>Default values shared by the catalog methods and <see cref="Options"/>.</summary>
        public static class Defaults
        {
            /// <summary>Transform family of the STs: affine (6 parameters).</summary>
            public const SpatialTransformKind Transform = SpatialTransformKind.Affine;
            /// <summary>Training epochs: 10.</summary>
            public const int MaxEpochs = 10;
            /// <summary>Rows per optimiser step: 64.</summary>
            public const int BatchSize = 64;
            /// <summary>Base learning rate: 1e-3 (Adam).</summary>
            public const double LearningRate = 1e-3;
            /// <summary>
            /// Side, in feature-map pixels, of the pooling before the first fully connected layers (16).
            /// </summary>
            public const int FullyConnectedInputSide = 16;
        }

        /// <summary>
        /// Settings of the network and of its training. Defaults: an affine ST-CNN trained with Adam.
        /// </summary>
        public sealed class Options
        {
            /// <summary>The label column, a key type (MapValueToKey); default "Label".</summary>
            public string LabelColumnName = DefaultColumnNames.Label;
            /// <summary>
            /// The image column: a known-size Vector&lt;Single&gt; [C,H,W] (ExtractPixels) or an ML.NET image of known
            /// size; default "Features".
            /// </summary>
            public string FeatureColumnName = DefaultColumnNames.Features;

            // Network (see StNetworkOptions for the meaning of each).
            /// <summary>
            /// Transform family the STs regress (affine, attention, similarity, translation, projective, thin plate
            /// spline); None trains the plain CNN/FCN baseline. Default Affine.
            /// </summary>
            public SpatialTransformKind Transform = Defaults.Transform;
            /// <summary>Thin plate spline: control points per side (K = side x side); default 4; 2 or more.</summary>
            public int TpsGridSize = Microsoft.ML.SpatialTransformer.Functional.TransformFamily.DefaultTpsGridSize;
            /// <summary>Architecture of the localisation networks; default Cnn.</summary>
            public LocalisationNetworkKind Localisation = LocalisationNetworkKind.Cnn;
            /// <summary>
            /// Localisation network widths (FCN: hidden units per layer; CNN/Tutorial: filters, filters, FC units);
            /// null (default): the architecture's defaults; each positive.
            /// </summary>
            public int[] LocalisationWidths;
            /// <summary>Architecture of the classifier; default Cnn.</summary>
            public ClassifierKind Classifier = ClassifierKind.Cnn;
            /// <summary>
            /// Classifier widths (FCN: hidden units per layer; CNN: filters per conv stage; Tutorial: filters, filters,
            /// FC units); null (default): the architecture's defaults; each positive.
            /// </summary>
            public int[] ClassifierWidths;
            /// <summary>
            /// STs side by side on the input, each with its own classifier branch (the paper's addition and CUB
            /// models); default 1; 1 or more.
            /// </summary>
            public int ParallelTransformers = 1;
            /// <summary>
            /// 0 (default): STs at the input only; k: an ST before each of the first k classifier stages (the paper's
            /// SVHN "multi"; needs ParallelTransformers = 1).
            /// </summary>
            public int SeriesTransformers;
            /// <summary>
            /// Height of the input STs' output, pixels; 0 (default): the paper's downsampling ST above 64 px (3/8 of
            /// the input, at least 48: 128 -> 48, 224 -> 84; see <see cref="TransformOutputSize"/>), the input's height
            /// up to 64 px. A value set here (or in <see cref="TransformOutputWidth"/>) replaces that default; positive
            /// otherwise.
            /// </summary>
            public int TransformOutputHeight;
            /// <summary>
            /// Width of the input STs' output, pixels; 0 (default): as <see cref="TransformOutputHeight"/> says.
            /// </summary>
            public int TransformOutputWidth;
            /// <summary>
            /// A 2x2 average pool after the input STs (the paper's RTS and TC models); default false.
            /// </summary>
            public bool DownsampleAfterTransform;
            /// <summary>Sampling kernel of the STs; default Bilinear (the paper's).</summary>
            public SamplingMode Sampling = SamplingMode.Bilinear;
            /// <summary>Value an ST samples outside its input; default Zeros.</summary>
            public PaddingMode Padding = PaddingMode.Zeros;
            /// <summary>Dropout rate before the classifier head; default 0 (none); in [0, 1).</summary>
            public double Dropout;
            /// <summary>Batch normalisation after each convolution of the Cnn classifier; default false.</summary>
            public bool BatchNorm;
            /// <summary>
            /// How the network scales its input; default PerChannelMeanStd: each channel's mean and standard deviation
            /// are measured on the training rows at Fit, saved in the model and applied in every scoring path and ONNX
            /// export, so raw 0-255 pixels train as well as pixels scaled to 0-1. None feeds the pixels as they are.
            /// </summary>
            public InputNormalization InputNormalization = InputNormalization.PerChannelMeanStd;
            /// <summary>
            /// The convolutional localisation networks and classifiers average-pool their last feature map to this side
            /// (feature-map pixels) before the first fully connected layer where the map is larger, so those layers do
            /// not grow with the image (a 128x128 input: 32x32 maps pooled to 16x16; 64 px and smaller inputs are
            /// unchanged). Default 16; 0 turns the pooling off; otherwise positive. FCN kinds are not pooled.
            /// </summary>
            public int FullyConnectedInputSide = Defaults.FullyConnectedInputSide;

            /// <summary>
            /// Channels of a flat feature vector (vectors with [C,H,W] dimensions need none); 0 (default): from the
            /// column's dimensions.
            /// </summary>
            public int ImageChannels;
            /// <summary>Image height of a flat feature vector; 0 (default): from the column's dimensions.</summary>
            public int ImageHeight;
            /// <summary>Image width of a flat feature vector; 0 (default): from the column's dimensions.</summary>
            public int ImageWidth;

            // Training.
            /// <summary>Optimizer; default Adam (SGD with momentum is the paper's).</summary>
            public OptimizerKind Optimizer = OptimizerKind.Adam;
            /// <summary>The optimizer's base learning rate; default 1e-3; a positive finite number.</summary>
            public double LearningRate = Defaults.LearningRate;
            /// <summary>SGD's momentum (Adam keeps its own 0.9/0.999); default 0.9; in [0, 1).</summary>
            public double Momentum = 0.9;
            /// <summary>
            /// L2 weight decay added by the optimizer; default 0 (none); 0 or a positive finite number.
            /// </summary>
            public double WeightDecay;
            /// <summary>How the learning rate changes over the epochs; default Cosine (Step is the paper's).</summary>
            public LearningRateScheduleKind LearningRateSchedule = LearningRateScheduleKind.Cosine;
            /// <summary>Epochs between step decays; 0 means a third of MaxEpochs (the paper's schedule).</summary>
            public int StepDecayEpochs;
            /// <summary>
            /// The step schedule multiplies the learning rate by this every <see cref="StepDecayEpochs"/>; default 0.1;
            /// in (0, 1].
            /// </summary>
            public double StepDecayFactor = 0.1;
            /// <summary>
            /// Learning rate of the localisation networks relative to the rest; 0 or a positive finite number. Default
            /// null: 0.1 for images above 64 px a side (where the ST downsamples by default; the paper's SVHN setting),
            /// 1 otherwise.
            /// </summary>
            public double? LocalisationLearningRateMultiplier;
            /// <summary>Epochs of training; default 10; 1 or more (a time budget may stop earlier).</summary>
            public int MaxEpochs = Defaults.MaxEpochs;
            /// <summary>Rows per optimiser step; default 64; 1 or more.</summary>
            public int BatchSize = Defaults.BatchSize;
            /// <summary>
            /// Data scored after every epoch (loss and accuracy in the history); needed for early stopping.
            /// </summary>
            public IDataView ValidationSet;
            /// <summary>
            /// Stop after this many epochs without a lower validation loss and keep the best weights; 0: off.
            /// </summary>
            public int EarlyStoppingPatience;
            /// <summary>Clip the gradients' global norm to this value; 0: off.</summary>
            public double GradientClipNorm;
            /// <summary>
            /// Training time to use: the learning-rate schedule is fitted to the epochs that fit (re-estimated after
            /// every epoch, the last one cut to the batches that fit) and training stops at a batch boundary inside it,
            /// keeping the model; null (default): no limit; otherwise longer than zero.
            /// </summary>
            public TimeSpan? TrainingTimeBudget;
            /// <summary>
            /// Cancels Fit: training stops within one batch, frees what it held and throws an
            /// OperationCanceledException carrying this token; default: none. (ML.NET's own MLContext cancellation is
            /// not callable from user code.)
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
            /// <summary>
            /// The runtime the trained model scores single images with (its <see
            /// cref="StCnnModelParameters.ScoringEngine"/>); default Auto: ONNX Runtime when the application ships its
            /// native library (the Microsoft.ML.OnnxRuntime package), TorchSharp otherwise. OnnxRuntime makes the
            /// trainer throw when ONNX Runtime cannot be loaded. Training always runs on TorchSharp.
            /// </summary>
            public ScoringEngine ScoringEngine = ScoringEngine.Auto;
            /// <summary>
            /// Receives the epoch, batch, running loss and accuracy after every batch (for a progress bar); null: none.
            /// </summary>
            public IProgress<TrainingProgress> Progress;

            // Augmentation: every training image gets a fresh random affine warp in every epoch (seeded from the
            // MLContext).
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
            OptionChecks.Positive(Host, options.MaxEpochs, nameof(options.MaxEpochs));
            OptionChecks.Positive(Host, options.BatchSize, nameof(options.BatchSize));
            OptionChecks.Positive(Host, options.LearningRate, nameof(options.LearningRate));
            OptionChecks.InRange(Host, options.Momentum, nameof(options.Momentum), 0, 1, maxIncluded: false);
            OptionChecks.NonNegative(Host, options.WeightDecay, nameof(options.WeightDecay));
            OptionChecks.NonNegative(Host, options.StepDecayEpochs, nameof(options.StepDecayEpochs));
            OptionChecks.Storage(Host, options.TrainingDataMemoryBudgetBytes,
                nameof(options.TrainingDataMemoryBudgetBytes), options.TemporaryDirectory,
                nameof(options.TemporaryDirectory));
            Host.CheckUserArg(double.IsFinite(options.StepDecayFactor) && options.StepDecayFactor > 0
                && options.StepDecayFactor <= 1, nameof(options.StepDecayFactor),
                $"must be in (0, 1]; got {OptionChecks.Format(options.StepDecayFactor)}");
            if (options.LocalisationLearningRateMultiplier is double multiplier)
                OptionChecks.NonNegative(Host, multiplier, nameof(options.LocalisationLearningRateMultiplier));
            OptionChecks.InRange(Host, options.Dropout, nameof(options.Dropout), 0, 1, maxIncluded: false);
            OptionChecks.NonNegative(Host, options.FullyConnectedInputSide, nameof(options.FullyConnectedInputSide));
            OptionChecks.NonNegative(Host, options.EarlyStoppingPatience, nameof(options.EarlyStoppingPatience));
            Host.CheckUserArg(options.EarlyStoppingPatience == 0 || options.ValidationSet is not null,
                nameof(options.EarlyStoppingPatience), "needs a ValidationSet");
            OptionChecks.NonNegative(Host, options.GradientClipNorm, nameof(options.GradientClipNorm));
            OptionChecks.Positive(Host, options.TrainingTimeBudget, nameof(options.TrainingTimeBudget));
            OptionChecks.InRange(Host, options.AugmentRotationDegrees, nameof(options.AugmentRotationDegrees), 0, 180,
                maxIncluded: true);
            OptionChecks.InRange(Host, options.AugmentScale, nameof(options.AugmentScale), 0, 1, maxIncluded: false);
            OptionChecks.InRange(Host, options.AugmentTranslation, nameof(options.AugmentTranslation), 0, 1,
                maxIncluded: true);
            Host.CheckUserArg(Enum.IsDefined(options.ScoringEngine), nameof(options.ScoringEngine),
                $"must be Auto, TorchSharp or OnnxRuntime; got {(int)options.ScoringEngine}");
            // Asked for explicitly, ONNX Runtime must be there before hours of training, not after.
            if (options.ScoringEngine == ScoringEngine.OnnxRuntime && !OnnxRuntimeLibrary.IsAvailable)
                throw Host.ExceptUserArg(nameof(options.ScoringEngine),
                    "is OnnxRuntime, but ONNX Runtime's native library "
                    + $"could not be loaded ({OnnxRuntimeLibrary.Failure}); the application must reference the "
                    + "Microsoft.ML.OnnxRuntime package");
            _options = options;
        }

        /// <inheritdoc/>
        public override TrainerInfo Info => s_info;

        /// <inheritdoc/>
        protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        /// <summary>Per-epoch metrics of the last Fit (also in the model's History).</summary>
        public IReadOnlyList<EpochMetrics> History { get; private set; } = Array.Empty<EpochMetrics>();

        /// <inheritdoc/>
        protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema)
        {
            bool found = inputSchema.TryFindColumn(LabelColumn.Name, out var label);
            Host.Assert(found);
            var predictedLabelAnnotations =
                new SchemaShape(label.Annotations.Where(a => a.Name == AnnotationUtils.Kinds.KeyValues)
                .Concat(AnnotationUtils.GetTrainerOutputAnnotation()));
            return new[]
            {
                new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Vector,
                    NumberDataViewType.Single, false,
                    new SchemaShape(AnnotationUtils.AnnotationsForMulticlassScoreColumn(label))),
                new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar,
                    NumberDataViewType.UInt32, true,
                    predictedLabelAnnotations),
            };
        }

        /// <inheritdoc/>
        protected override StCnnPredictionTransformer MakeTransformer(StCnnModelParameters model,
            DataViewSchema trainSchema)
            => new StCnnPredictionTransformer(Host, model, trainSchema, FeatureColumn.Name, LabelColumn.Name);

        /// <inheritdoc/>
        protected override StCnnModelParameters TrainModelCore(TrainContext context)
        {
            Host.CheckValue(context, nameof(context));
            var data = context.TrainingSet.Data;
            var featureColumn = data.Schema[FeatureColumn.Name];
            var shape = ImageShape.Resolve(Host, FeatureColumn.Name, featureColumn.Type, _options.ImageChannels,
                _options.ImageHeight, _options.ImageWidth);
            int classes = ClassCount(data.Schema[LabelColumn.Name]);
            var network = NetworkOptions(shape, classes);

            if (_options.ValidationSet is not null) CheckValidationSchema(_options.ValidationSet.Schema, shape);
            var (model, history) = NetworkTrainer.Train(Host, network, new TrainingSettings
                {
                    Optimizer = _options.Optimizer, LearningRate = _options.LearningRate, Momentum = _options.Momentum,
                    WeightDecay = _options.WeightDecay, Schedule = _options.LearningRateSchedule,
                    StepDecayEpochs = _options.StepDecayEpochs > 0 ? _options.StepDecayEpochs
                        : Math.Max(1, _options.MaxEpochs / 3),
                    StepDecayFactor = _options.StepDecayFactor,
                    LocalisationLearningRateMultiplier = _options.LocalisationLearningRateMultiplier
                        ?? TrainingSettings.Defaults.LocalisationLearningRateMultiplierFor(shape.Height, shape.Width),
                    MaxEpochs = _options.MaxEpochs, BatchSize = _options.BatchSize,
                    EarlyStoppingPatience = _options.EarlyStoppingPatience,
                    GradientClipNorm = _options.GradientClipNorm, TimeBudget = _options.TrainingTimeBudget,
                    Progress = _options.Progress, Cancellation = _options.CancellationToken,
                    Storage = TrainingDataStorage.From(_options.TrainingDataMemoryBudgetBytes,
                        _options.TemporaryDirectory),
                    Augmentation = new RandomAffineAugmentation(
                        _options.AugmentRotationDegrees, _options.AugmentScale, _options.AugmentTranslation),
                },
                data, _options.ValidationSet, FeatureColumn.Name, LabelColumn.Name, "StCnn training");
            History = history;
            var parameters = new StCnnModelParameters(Host, model, FeatureDimensions(featureColumn.Type), history,
                FeatureColumn.Name);
            parameters.ScoringEngine = _options.ScoringEngine;
            return parameters;
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
                TransformOutputHeight = _options.TransformOutputHeight,
                TransformOutputWidth = _options.TransformOutputWidth,
                FullyConnectedInputSide = _options.FullyConnectedInputSide,
                DownsampleAfterTransform = _options.DownsampleAfterTransform, Sampling = _options.Sampling,
                Padding = _options.Padding, Dropout = _options.Dropout, BatchNorm = _options.BatchNorm,
                InputNormalization = _options.InputNormalization,
            };
            // The paper's downsampling ST for large inputs, unless the user chose an output size (series STs keep the
            // size).
            bool defaultOutput = _options.TransformOutputHeight == 0 && _options.TransformOutputWidth == 0;
            if (defaultOutput && o.Transform != SpatialTransformKind.None && o.SeriesTransformers == 0)
                o = o with { TransformOutputHeight = TransformOutputSize.Default(shape.Height),
                    TransformOutputWidth = TransformOutputSize.Default(shape.Width) };
            try { o.Validate(); }
            catch (ArgumentException e) { throw Host.ExceptUserArg(e.ParamName, e.Message); }
            return o;
        }

        private int ClassCount(DataViewSchema.Column label)
        {
            if (label.Type is not KeyDataViewType key)
                throw Host.ExceptSchemaMismatch("inputSchema", "label", label.Name, "Key<UInt32>",
                    label.Type.ToString());
            ulong count = key.Count;
            if (count < 2)
                throw Host.Except($"The label column '{label.Name}' has {count} class(es); a " +
                    "classifier needs at least 2.");
            return checked((int)count);
        }

        private void CheckValidationSchema(DataViewSchema schema, ImageShape shape)
        {
            var features = schema.GetColumnOrNull(FeatureColumn.Name)
                ?? throw Host.ExceptSchemaMismatch(nameof(Options.ValidationSet), "feature", FeatureColumn.Name);
            if (features.Type is not VectorDataViewType v || v.ItemType != NumberDataViewType.Single
                || v.Size != shape.Size)
                throw Host.ExceptSchemaMismatch(nameof(Options.ValidationSet), "feature", FeatureColumn.Name,
                    shape.VectorTypeName, features.Type.ToString());
            var label = schema.GetColumnOrNull(LabelColumn.Name)
                ?? throw Host.ExceptSchemaMismatch(nameof(Options.ValidationSet), "label", LabelColumn.Name);
            if (label.Type is not KeyDataViewType)
                throw Host.ExceptSchemaMismatch(nameof(Options.ValidationSet), "label", LabelColumn.Name, "Key<UInt32>",
                    label.Type.ToString());
        }

        private static int[] FeatureDimensions(DataViewType type)
        {
            var vector = (VectorDataViewType)type;
            return vector.Dimensions.Length > 1 ? vector.Dimensions.ToArray() : new[] { vector.Size };
        }
    }
}
