using System;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using Stn.Datasets.Distortions;

namespace DistortedMnist
{
    /// <summary>One trained and evaluated model of the experiment.</summary>
    public sealed record ModelResult(string Name, SpatialTransformKind Transform, double ErrorPercent,
        double? PaperErrorPercent,
        int Epochs, double TrainingSeconds, ITransformer Model, StCnnModelParameters Parameters);

    /// <summary>
    /// Trains and evaluates one network on distorted digits through the ML.NET pipeline API:
    /// MapValueToKey -> StCnn -> MapKeyToValue, then Evaluate on the test set.
    /// </summary>
    public sealed class Experiment
    {
        private readonly MLContext _ml;
        private readonly ExperimentOptions _options;

        public Experiment(MLContext ml, ExperimentOptions options)
        {
            _ml = ml;
            _options = options;
        }

        public ModelResult Train(DistortedImageSet train, DistortedImageSet test, SpatialTransformKind transform,
            IProgress<TrainingProgress> progress)
        {
            var trainer = _ml.MulticlassClassification.Trainers.StCnn(NetworkFor(train, transform, progress));
            var pipeline = _ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
                .Append(trainer)
                .Append(_ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel"));
            var trainView = train.ToDataView(_ml);
            var watch = Stopwatch.StartNew();
            var model = pipeline.Fit(trainView);
            double seconds = watch.Elapsed.TotalSeconds;
            var metrics = _ml.MulticlassClassification.Evaluate(model.Transform(test.ToDataView(_ml)),
                labelColumnName: "LabelKey");
            var parameters = FindModel(model);
            return new ModelResult(Name(transform), transform, 100 * (1 - metrics.MicroAccuracy),
                PaperResults.Error(train.Kind, _options.Model, transform), parameters.History.Count, seconds, model,
                parameters);
        }

        public string Name(SpatialTransformKind transform)
        {
            string net = _options.Model == ClassifierKind.Cnn ? "CNN" : "FCN";
            return transform == SpatialTransformKind.None ? net : $"ST-{net} {transform}";
        }

        private StCnnTrainer.Options NetworkFor(DistortedImageSet data, SpatialTransformKind transform,
            IProgress<TrainingProgress> progress)
        {
            // RTS (42), TC (60), addition (42): the paper uses the ST output at half resolution
            bool large = data.Height > 28;
            return new StCnnTrainer.Options
            {
                LabelColumnName = "LabelKey",
                FeatureColumnName = "Image",
                Transform = transform,
                Classifier = _options.Model,
                Localisation = _options.Model == ClassifierKind.Cnn ? LocalisationNetworkKind.Cnn
                    : LocalisationNetworkKind.Fcn,
                ParallelTransformers = data.Kind == DistortionKind.Addition ? 2 : 1,
                DownsampleAfterTransform = large && transform != SpatialTransformKind.None,
                MaxEpochs = _options.Epochs,
                BatchSize = _options.BatchSize,
                LearningRate = 1e-3,
                LearningRateSchedule = LearningRateScheduleKind.Cosine,
                TrainingTimeBudget = TimeSpan.FromMinutes(_options.BudgetMinutes),
                Progress = progress,
                AugmentRotationDegrees = _options.Augment ? 15 : 0,
                AugmentScale = _options.Augment ? 0.1 : 0,
                AugmentTranslation = _options.Augment ? 0.1 : 0,
            };
        }

        private static StCnnModelParameters FindModel(
            Microsoft.ML.Data.TransformerChain<Microsoft.ML.Transforms.KeyToValueMappingTransformer> chain)
        {
            foreach (var transformer in chain)
                if (transformer is StCnnPredictionTransformer prediction)
                    return prediction.Model;
            throw new InvalidOperationException("The pipeline holds no StCnn model.");
        }
    }
}
