using System;
using System.Threading;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>What <see cref="TrainingLoop"/> needs of the trainer's options, free of ML.NET types.</summary>
    internal sealed record TrainingSettings(
        OptimizerKind Optimizer, double LearningRate, double Momentum, double WeightDecay,
        LearningRateScheduleKind Schedule, int StepDecayEpochs, double StepDecayFactor,
        double LocalisationLearningRateMultiplier, int MaxEpochs, int BatchSize, int EarlyStoppingPatience,
        double GradientClipNorm, int Seed)
    {
        /// <summary>Stop before an epoch that would end past this much training time (the last epoch's duration is the estimate); null: no limit.</summary>
        public TimeSpan? TimeBudget { get; init; }

        /// <summary>Random affine warps of the training batches, new every epoch; null: none.</summary>
        public RandomAffineAugmentation Augmentation { get; init; }

        /// <summary>Receives a <see cref="TrainingProgress"/> after every batch; null: none.</summary>
        public IProgress<TrainingProgress> Progress { get; init; }

        /// <summary>Where the rows read for training are kept (memory budget, temporary folder); null: all in memory.</summary>
        public TrainingDataStorage Storage { get; init; }

        /// <summary>The user's cancellation, checked with the host's (MLContext's) before every batch.</summary>
        public CancellationToken Cancellation { get; init; }
    }
}
