using System;
using System.Threading;
using Microsoft.ML.SpatialTransformer.Modules;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// What <see cref="TrainingLoop"/> needs of a trainer's options, free of ML.NET types: named settings, each
    /// starting at its <see cref="Defaults"/> value, so a caller sets only what it chooses. The seed is not a setting:
    /// the loop takes it from the host (MLContext.Seed) as an argument.
    /// </summary>
    internal sealed record TrainingSettings
    {
        /// <summary>The values a setting has unless the caller sets it.</summary>
        public static class Defaults
        {
            public const OptimizerKind Optimizer = OptimizerKind.Adam;
            public const double LearningRate = 1e-3;
            public const double Momentum = 0.9;
            public const LearningRateScheduleKind Schedule = LearningRateScheduleKind.Cosine;
            public const int StepDecayEpochs = 1;
            public const double StepDecayFactor = 0.1;
            public const double LocalisationLearningRateMultiplier = 1.0;

            /// <summary>
            /// The localisation networks' multiplier for images above <see
            /// cref="TransformOutputSize.DownsamplingThreshold"/> px a side: a tenth, as the paper's SVHN experiment.
            /// </summary>
            public const double LargeImageLocalisationLearningRateMultiplier = 0.1;

            /// <summary>
            /// The default multiplier of the localisation networks' learning rate for a <paramref name="height"/> x
            /// <paramref name="width"/> input: <see cref="LargeImageLocalisationLearningRateMultiplier"/> above <see
            /// cref="TransformOutputSize.DownsamplingThreshold"/> px a side (where the ST downsamples by default),
            /// otherwise <see cref="LocalisationLearningRateMultiplier"/>. At the full rate, the downsampling ST-CNN on
            /// large cluttered images escaped chance in its first epochs or stayed there for good depending on
            /// differences of the input far below a pixel step (the colour benchmark in README).
            /// </summary>
            public static double LocalisationLearningRateMultiplierFor(int height, int width) =>
                Math.Max(height, width) > TransformOutputSize.DownsamplingThreshold
                    ? LargeImageLocalisationLearningRateMultiplier
                    : LocalisationLearningRateMultiplier;
            public const int MaxEpochs = 5;
            public const int BatchSize = 64;
        }

        /// <summary>Optimizer of every parameter group.</summary>
        public OptimizerKind Optimizer { get; init; } = Defaults.Optimizer;

        /// <summary>
        /// Base learning rate (the localisation networks' is this times <see
        /// cref="LocalisationLearningRateMultiplier"/>).
        /// </summary>
        public double LearningRate { get; init; } = Defaults.LearningRate;

        /// <summary>SGD momentum (Adam uses beta1 0.9 regardless).</summary>
        public double Momentum { get; init; } = Defaults.Momentum;

        /// <summary>L2 weight decay; 0 for none.</summary>
        public double WeightDecay { get; init; }

        /// <summary>How the learning rate changes over the planned epochs.</summary>
        public LearningRateScheduleKind Schedule { get; init; } = Defaults.Schedule;

        /// <summary>Step schedule: epochs between decays.</summary>
        public int StepDecayEpochs { get; init; } = Defaults.StepDecayEpochs;

        /// <summary>Step schedule: factor applied at each decay.</summary>
        public double StepDecayFactor { get; init; } = Defaults.StepDecayFactor;

        /// <summary>Learning-rate multiplier of the localisation networks' parameters.</summary>
        public double LocalisationLearningRateMultiplier { get; init; } = Defaults.LocalisationLearningRateMultiplier;

        /// <summary>Epochs planned (a time budget may cut them short).</summary>
        public int MaxEpochs { get; init; } = Defaults.MaxEpochs;

        /// <summary>Rows per optimiser step.</summary>
        public int BatchSize { get; init; } = Defaults.BatchSize;

        /// <summary>Epochs without a validation-loss gain before stopping; 0: never stop early.</summary>
        public int EarlyStoppingPatience { get; init; }

        /// <summary>Gradient norm clip; 0: none.</summary>
        public double GradientClipNorm { get; init; }

        /// <summary>Stop before an epoch that would end past this much training time; null: no limit.</summary>
        public TimeSpan? TimeBudget { get; init; }

        /// <summary>Random affine warps of the training batches, new every epoch; null: none.</summary>
        public RandomAffineAugmentation Augmentation { get; init; }

        /// <summary>Receives a <see cref="TrainingProgress"/> after every batch; null: none.</summary>
        public IProgress<TrainingProgress> Progress { get; init; }

        /// <summary>
        /// Where the rows read for training are kept (memory budget, temporary folder); null: all in memory.
        /// </summary>
        public TrainingDataStorage Storage { get; init; }

        /// <summary>The user's cancellation, checked with the host's (MLContext's) before every batch.</summary>
        public CancellationToken Cancellation { get; init; }
    }
}
