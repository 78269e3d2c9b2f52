using System.Collections.Generic;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    [Collection(SerialCollection.Name)] // sets ATen's process-wide thread count, as CallingThreadParallelismTests
    public class SingleImageThreadingTests
    {
        [Theory]
        [InlineData(1 * 28 * 28, true)]
        [InlineData(SingleImageThreading.MaxValuesAlone, true)]
        [InlineData(SingleImageThreading.MaxValuesAlone + 1, false)]
        [InlineData(3 * 128 * 128, false)]
        public void TheWayDependsOnTheImageSizeAloneAndEveryCallRunsThatWay(long valuesPerImage, bool alone)
        {
            CallingThreadParallelismTests.WithAtenThreads(() =>
            {
                var expected = alone ? SingleImageThreading.Way.Alone : SingleImageThreading.Way.Shared;
                var threading = new SingleImageThreading(valuesPerImage);
                Assert.Equal(expected, threading.Choice);
                var counts = new List<int>();
                // However slow one way is, nothing is timed: the first call already runs the chosen way, and so do the
                // rest.
                for (int i = 0; i < 30; i++) threading.Run(() => counts.Add(get_num_threads()));
                Assert.All(counts, c => Assert.Equal(expected == SingleImageThreading.Way.Alone ? 1 : 3, c));
                Assert.Equal(3, get_num_threads()); // running alone never leaks into the thread's later work
            });
        }
    }
}
