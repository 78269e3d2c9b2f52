using System;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Infrastructure
{
    /// <summary>Tensor assertions and native-leak accounting shared by the tests.</summary>
    public static class TensorChecks
    {
        /// <summary>
        /// Live native tensors of this thread (TorchSharp's per-thread statistics, so parallel test classes do not
        /// interfere).
        /// </summary>
        public static long LiveTensors => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        /// <summary>
        /// Runs <paramref name="action"/> inside a dispose scope and asserts the live tensor count is back where it
        /// was.
        /// </summary>
        public static void AssertNoLeak(Action action)
        {
            long before = LiveTensors;
            using (NewDisposeScope()) action();
            Assert.Equal(before, LiveTensors);
        }

        public static void AssertClose(Tensor expected, Tensor actual, double tolerance)
        {
            Assert.Equal(expected.shape, actual.shape);
            double difference = (expected.to_type(ScalarType.Float64) - actual.to_type(ScalarType.Float64)).abs().max()
                .item<double>();
            Assert.True(difference <= tolerance, $"max |difference| {difference:E3} > {tolerance:E1}");
        }

        public static void AssertEqual(Tensor expected, Tensor actual)
        {
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.eq(actual).all().item<bool>(), "tensors differ");
        }

        /// <summary>
        /// Pixel-centre coordinate of pixel <paramref name="index"/> of <paramref name="length"/> (align_corners =
        /// false), in plain C#.
        /// </summary>
        public static double Centre(int index, int length) => (2.0 * index + 1) / length - 1;
    }
}
