namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>How the learning rate changes over epochs. Values are saved with the options: never renumber them.</summary>
    public enum LearningRateScheduleKind
    {
        /// <summary>The same rate throughout.</summary>
        Constant = 0,
        /// <summary>Multiplied by StepDecayFactor every StepDecayEpochs epochs (the paper: /10 every third of training).</summary>
        StepDecay = 1,
        /// <summary>Cosine annealing from the base rate to zero over MaxEpochs.</summary>
        Cosine = 2,
    }
}
