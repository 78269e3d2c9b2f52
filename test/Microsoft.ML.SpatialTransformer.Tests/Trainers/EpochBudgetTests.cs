using System;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    public class EpochBudgetTests
    {
        private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

        [Fact]
        public void TheFirstEpochSetsThePlanAndLaterOnesOnlyShortenIt()
        {
            // 100 s for the first epoch: six fit in 600 s.
            Assert.Equal(6, EpochBudget.Plan(TenMinutes, TimeSpan.FromSeconds(100), 1, TimeSpan.FromSeconds(100), 30));
            // Epochs slowed to 103 s: 305 s after three leaves room for two more at the last epoch's pace.
            Assert.Equal(5, EpochBudget.Plan(TenMinutes, TimeSpan.FromSeconds(305), 3, TimeSpan.FromSeconds(103), 6));
            // Faster epochs never lengthen the plan (the schedule would jump back up).
            Assert.Equal(6, EpochBudget.Plan(TenMinutes, TimeSpan.FromSeconds(150), 3, TimeSpan.FromSeconds(40), 6));
            // The plan never exceeds the epochs asked for.
            Assert.Equal(30, EpochBudget.Plan(TenMinutes, TimeSpan.FromSeconds(10), 1, TimeSpan.FromSeconds(10), 30));
        }

        [Fact]
        public void WhenAnotherEpochWouldPassTheBudgetThePlanEndsAtTheEpochsDone()
        {
            // The mean pace (100 s) would allow one more in the 95 s left, the last epoch's (110 s) does not.
            Assert.Equal(5, EpochBudget.Plan(TenMinutes, TimeSpan.FromSeconds(505), 5, TimeSpan.FromSeconds(110), 6));
            // Past the budget already.
            Assert.Equal(1, EpochBudget.Plan(TimeSpan.FromTicks(1), TimeSpan.FromSeconds(2), 1, TimeSpan.FromSeconds(2), 50));
            Assert.Throws<ArgumentOutOfRangeException>(() => EpochBudget.Plan(TenMinutes, TimeSpan.Zero, 0, TimeSpan.Zero, 5));
        }
    }
}
