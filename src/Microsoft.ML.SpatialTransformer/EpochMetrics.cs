namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>One epoch of training, as logged to MLContext.Log and kept in the trainer's history.</summary>
    public sealed record EpochMetrics(
        int Epoch, double LearningRate, double TrainLoss, double TrainAccuracy,
        double? ValidationLoss, double? ValidationAccuracy, double Seconds)
    {
        /// <summary>
        /// One log line: epoch, learning rate, training loss and accuracy, validation figures when measured, seconds.
        /// </summary>
        public override string ToString() =>
            $"epoch {Epoch}: lr {LearningRate:G3}, loss {TrainLoss:F4}, train acc {TrainAccuracy:P2}" +
            (ValidationAccuracy is double va ? $", val loss {ValidationLoss:F4}, val acc {va:P2}" : "")
                + $", {Seconds:F1} s";
    }
}
