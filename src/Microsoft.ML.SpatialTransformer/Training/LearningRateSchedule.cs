using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    internal static class LearningRateSchedule
    {
        /// <summary>The rate for 0-based <paramref name="epoch"/> of <paramref name="epochs"/>.</summary>
        public static double RateAt(LearningRateScheduleKind kind, double baseRate, int epoch, int epochs,
            int stepEpochs, double stepFactor)
            => kind switch
            {
                LearningRateScheduleKind.Constant => baseRate,
                LearningRateScheduleKind.StepDecay => baseRate * Math.Pow(stepFactor, epoch / Math.Max(1, stepEpochs)),
                LearningRateScheduleKind.Cosine =>
                    0.5 * baseRate * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, epochs))),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown learning-rate schedule"),
            };
    }
}
