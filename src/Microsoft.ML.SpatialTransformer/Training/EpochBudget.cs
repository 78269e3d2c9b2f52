using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// How many epochs a training time budget allows, re-estimated after every epoch so the learning-rate schedule
    /// ends and training stops inside the budget even when epochs slow down as training goes on.
    /// </summary>
    internal static class EpochBudget
    {
        /// <summary>
        /// The epochs to plan for once <paramref name="done"/> epochs have taken <paramref name="elapsed"/>, the last of
        /// them <paramref name="last"/>: the epochs done plus as many more as fit in what is left of
        /// <paramref name="budget"/> at the slower of the mean and the last epoch's pace; at least <paramref name="done"/>
        /// (then training stops) and never more than <paramref name="planned"/>, so the schedule only ever shortens.
        /// </summary>
        public static int Plan(TimeSpan budget, TimeSpan elapsed, int done, TimeSpan last, int planned)
        {
            if (done < 1) throw new ArgumentOutOfRangeException(nameof(done), done, "at least one epoch must be done.");
            double pace = Math.Max(Math.Max(elapsed.TotalSeconds / done, last.TotalSeconds), 1e-6); // seconds per epoch
            double left = Math.Max(0, (budget - elapsed).TotalSeconds);
            double more = Math.Floor(left / pace);
            return (int)Math.Clamp(done + more, done, Math.Max(done, planned));
        }
    }
}
