using System;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    public class ChanceLevelTests
    {
        [Fact]
        public void LossNearLnKAndAccuracyNearGuessingIsChance()
        {
            Assert.True(ChanceLevel.IsAtChance(Math.Log(4) + 0.01, 0.26, 4, 0.25));
            Assert.True(ChanceLevel.IsAtChance(Math.Log(2), 0.6, 2, 0.6));      // always the majority class
            Assert.False(ChanceLevel.IsAtChance(Math.Log(4) * 0.9, 0.26, 4, 0.25)); // the loss has moved
            Assert.False(ChanceLevel.IsAtChance(Math.Log(4), 0.5, 4, 0.25));        // the accuracy has
            Assert.False(ChanceLevel.IsAtChance(double.NaN, 0.25, 4, 0.25));
            Assert.Equal(0.75, ChanceLevel.MajorityShare(new[] { 1, 1, 0, 1 }, 2));
        }
    }
}
