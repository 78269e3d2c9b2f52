namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// How the learning rate changes over epochs (a training setting; a saved model does not record it).
    /// </summary>
    public enum LearningRateScheduleKind
    {
        /// <summary>The same rate throughout.</summary>
        Constant = 0,
        /// <summary>
        /// Multiplied by StepDecayFactor every StepDecayEpochs epochs (the paper: /10 every third of training).
        /// </summary>
        StepDecay = 1,
        /// <summary>Cosine annealing from the base rate to zero over MaxEpochs.</summary>
        Cosine = 2,
    }
}
