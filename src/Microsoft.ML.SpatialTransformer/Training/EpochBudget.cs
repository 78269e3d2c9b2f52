using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// How much training a time budget allows, counted in epochs with a fraction (the last epoch may be cut short), and
    /// re-estimated after every epoch so the learning-rate schedule ends and training stops inside the budget even when
    /// epochs slow down as training goes on.
    /// </summary>
    internal static class EpochBudget
    {
        /// <summary>
        /// The epochs to plan for once <paramref name="done"/> epochs (a fraction for a cut epoch) have taken
        /// <paramref name="elapsed"/>, the last <paramref name="lastShare"/> of an epoch taking <paramref
        /// name="last"/>: the epochs done plus as many more (a fraction included) as fit in what is left of <paramref
        /// name="budget"/> at the slower of the mean and the last epoch's pace; at least <paramref name="done"/> (then
        /// training stops) and never more than <paramref name="planned"/>, so the schedule only ever shortens.
        /// </summary>
        public static double Plan(TimeSpan budget, TimeSpan elapsed, double done, TimeSpan last, double lastShare,
            double planned)
        {
            if (!(done > 0)) throw new ArgumentOutOfRangeException(nameof(done), done, "some training must be done.");
            if (!(lastShare > 0 && lastShare <= 1))
                throw new ArgumentOutOfRangeException(nameof(lastShare), lastShare, "must be in (0, 1].");
            // seconds per epoch
            double pace = Math.Max(Math.Max(elapsed.TotalSeconds / done, last.TotalSeconds / lastShare), 1e-6);
            double left = Math.Max(0, (budget - elapsed).TotalSeconds);
            return Math.Clamp(done + left / pace, done, Math.Max(done, planned));
        }
    }
}
