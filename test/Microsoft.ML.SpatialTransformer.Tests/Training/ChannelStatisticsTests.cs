using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    public class ChannelStatisticsTests
    {
        [Fact]
        public void MeanAndStdEqualATwoPassReferenceOverAllValues()
        {
            const int channels = 3, pixels = 20, rowCount = 50;
            var random = new Random(5);
            // Raw-pixel-like values: large means against small spreads are where one-pass sums lose digits.
            var rows = Enumerable.Range(0, rowCount).Select(_ => Enumerable.Range(0, channels * pixels)
                .Select(i => (float)(1000 * (i / pixels + 1) + random.NextDouble() * (i / pixels + 1))).ToArray())
                .ToArray();
            var statistics = new ChannelStatistics(channels, pixels);
            foreach (var row in rows) statistics.Add(row);
            Assert.Equal(rowCount, statistics.Rows);
            for (int c = 0; c < channels; c++)
            {
                var values = rows.SelectMany(r => r.Skip(c * pixels).Take(pixels)).Select(v => (double)v).ToArray();
                double mean = values.Sum() / values.Length;
                double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
                Assert.Equal(mean, statistics.Mean[c], 1e-9 * mean);
                Assert.Equal(std, statistics.Std[c], 1e-9 * mean);
            }
        }

        [Fact]
        public void ExactIdentities()
        {
            // Channel 0: the values 1..4 in every row (mean 2.5, variance 1.25); channel 1: constant 7 (std 0).
            var statistics = new ChannelStatistics(2, 4);
            for (int i = 0; i < 3; i++) statistics.Add(new float[] { 1, 2, 3, 4, 7, 7, 7, 7 });
            Assert.Equal(new[] { 2.5, 7.0 }, statistics.Mean);
            Assert.Equal(Math.Sqrt(1.25), statistics.Std[0], 1e-15);
            Assert.Equal(0.0, statistics.Std[1]);
            // Rows differing only by an offset: the spread between rows adds to the variance (0 and 2 -> std 1).
            var two = new ChannelStatistics(1, 2);
            two.Add(new float[] { 0, 0 });
            two.Add(new float[] { 2, 2 });
            Assert.Equal(1.0, two.Mean[0]);
            Assert.Equal(1.0, two.Std[0]);
            Assert.Throws<ArgumentException>(() => two.Add(new float[3]));
        }

        [Fact]
        public void AConstantChannelNormalisesToZeroNotNaN()
        {
            var statistics = new ChannelStatistics(1, 4);
            statistics.Add(new float[] { 5, 5, 5, 5 });
            using var normalisation = new InputNormalisation(1);
            normalisation.SetStatistics(statistics.Mean, statistics.Std);
            using var scope = NewDisposeScope();
            Assert.Equal(InputNormalisation.MinimumStd, normalisation.Std.item<float>());
            var output = normalisation.call(full(new long[] { 2, 1, 2, 2 }, 5f));   // [2,1,2,2]
            Assert.True(output.eq(0).all().item<bool>());
            var other = normalisation.call(full(new long[] { 1, 1, 2, 2 }, 6f));    // [1,1,2,2]
            Assert.True(other.isfinite().all().item<bool>());
        }
    }
}
