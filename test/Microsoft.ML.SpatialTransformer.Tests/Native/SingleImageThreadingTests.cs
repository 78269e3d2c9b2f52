using System.Threading;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    [Collection(SerialCollection.Name)] // sets ATen's process-wide thread count, as CallingThreadParallelismTests
    public class SingleImageThreadingTests
    {
        // A stand-in prediction that is slow one way: sleeping makes the difference far larger than timing noise.
        private static System.Action Prediction(bool slowAlone, System.Collections.Generic.List<int> threadCounts) => () =>
        {
            int threads = get_num_threads();
            threadCounts.Add(threads);
            if ((threads == 1) == slowAlone) Thread.Sleep(3);
        };

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void TheFirstCallsAlternateAndTheFasterWayIsKept(bool slowAlone)
        {
            var expected = slowAlone ? SingleImageThreading.Way.Shared : SingleImageThreading.Way.Alone;
            CallingThreadParallelismTests.WithAtenThreads(() =>
            {
                var threading = new SingleImageThreading();
                var counts = new System.Collections.Generic.List<int>();
                var predict = Prediction(slowAlone, counts);
                for (int i = 0; i < 2 * SingleImageThreading.TrialsPerWay; i++)
                {
                    Assert.Equal(SingleImageThreading.Way.Undecided, threading.Choice);
                    threading.Run(predict);
                }
                Assert.Equal(expected, threading.Choice);
                // Alternating: alone, shared, alone, ... each call ran once.
                for (int i = 0; i < counts.Count; i++) Assert.Equal(i % 2 == 0 ? 1 : 3, counts[i]);

                counts.Clear();
                for (int i = 0; i < 5; i++) threading.Run(predict);
                Assert.All(counts, c => Assert.Equal(expected == SingleImageThreading.Way.Alone ? 1 : 3, c));
                Assert.Equal(3, get_num_threads()); // running alone never leaks into the thread's later work
            });
        }
    }
}
