namespace Microsoft.ML.Trainers.SpatialTransformer
{
    /// <summary>The optimizer of a training run. Values are saved: never renumber them.</summary>
    public enum OptimizerKind
    {
        /// <summary>Adam (Kingma and Ba), the default: robust without tuning.</summary>
        Adam = 0,
        /// <summary>Stochastic gradient descent with momentum, as the paper.</summary>
        Sgd = 1,
    }

    /// <summary>What <see cref="TrainingLoop"/> needs of the trainer's options, free of ML.NET types.</summary>
    internal sealed record TrainingSettings(
        OptimizerKind Optimizer, double LearningRate, double Momentum, double WeightDecay,
        LearningRateScheduleKind Schedule, int StepDecayEpochs, double StepDecayFactor,
        double LocalisationLearningRateMultiplier, int MaxEpochs, int BatchSize, int EarlyStoppingPatience,
        double GradientClipNorm, int Seed);
}
