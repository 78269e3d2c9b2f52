using System;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    public class EpochBudgetTests
    {
        private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);
        private static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);

        [Fact]
        public void TheFirstEpochSetsThePlanAndLaterOnesOnlyShortenIt()
        {
            // 100 s for the first epoch: six fit in 600 s.
            Assert.Equal(6, EpochBudget.Plan(TenMinutes, Seconds(100), 1, Seconds(100), 1, 30), 1e-9);
            // 148 s epochs: the budget holds 4.05 of them, the last one cut (whole epochs would stop at 4, 592 s).
            Assert.Equal(600 / 148.0, EpochBudget.Plan(TenMinutes, Seconds(148), 1, Seconds(148), 1, 30), 1e-9);
            // Epochs slowed to 103 s: 305 s after three leaves 295 s, 2.86 epochs at the last epoch's pace.
            Assert.Equal(3 + 295 / 103.0, EpochBudget.Plan(TenMinutes, Seconds(305), 3, Seconds(103), 1, 6), 1e-9);
            // Faster epochs never lengthen the plan (the schedule would jump back up).
            Assert.Equal(6, EpochBudget.Plan(TenMinutes, Seconds(150), 3, Seconds(40), 1, 6), 1e-9);
            // The plan never exceeds the epochs asked for.
            Assert.Equal(30, EpochBudget.Plan(TenMinutes, Seconds(10), 1, Seconds(10), 1, 30), 1e-9);
        }

        [Fact]
        public void ACutEpochCountsAtItsShareAndAnExhaustedBudgetEndsThePlan()
        {
            // Half an epoch in 50 s is a pace of 100 s an epoch: 505 s after 5.5 epochs leaves 0.95 more.
            Assert.Equal(5.5 + 0.95, EpochBudget.Plan(TenMinutes, Seconds(505), 5.5, Seconds(50), 0.5, 9), 1e-9);
            // Past the budget already: the plan is what was done.
            Assert.Equal(1, EpochBudget.Plan(TimeSpan.FromTicks(1), Seconds(2), 1, Seconds(2), 1, 50), 1e-9);
            Assert.Throws<ArgumentOutOfRangeException>(() => EpochBudget.Plan(TenMinutes, TimeSpan.Zero, 0,
                TimeSpan.Zero, 1, 5));
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                EpochBudget.Plan(TenMinutes, Seconds(1), 1, Seconds(1), 0, 5));
        }
    }
}
