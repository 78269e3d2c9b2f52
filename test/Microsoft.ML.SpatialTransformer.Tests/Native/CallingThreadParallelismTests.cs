using System.Threading;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    // ATen's thread count is process-wide: these tests set it (to 3, which no core count here gives by default, so
    // OpenMP's own default cannot pass for it) and restore it, with no other test running.
    [Collection(SerialCollection.Name)]
    public class CallingThreadParallelismTests
    {
        private const int AtenThreads = 3;

        internal static void WithAtenThreads(System.Action body)
        {
            int before = get_num_threads();
            set_num_threads(AtenThreads);
            try { OnFreshThread(body); }
            finally { set_num_threads(before); }
        }

        private static void OnFreshThread(System.Action body)
        {
            System.Exception failure = null;
            var thread = new Thread(() => { try { body(); } catch (System.Exception e) { failure = e; } });
            thread.Start();
            thread.Join();
            if (failure is not null) throw new System.AggregateException(failure);
        }

        [Fact]
        public void LibtorchsOpenMpRuntimeIsFoundOnLinux()
        {
            if (!System.OperatingSystem.IsLinux()) return;
            Assert.True(CallingThreadParallelism.Available);
        }

        [Fact]
        public void InsideTheScopeTheCallingThreadRunsAloneAndAfterItsCountIsBack()
        {
            WithAtenThreads(() =>
            {
                Assert.Equal(AtenThreads, get_num_threads());
                using (CallingThreadParallelism.SingleThreaded())
                {
                    Assert.Equal(1, get_num_threads());
                    using var x = rand(8, 8);
                    using var y = x.matmul(x); // libtorch work inside the scope does not reset the count
                    Assert.Equal(1, get_num_threads());
                }
                Assert.Equal(AtenThreads, get_num_threads());
            });
        }

        [Fact]
        public void OtherThreadsKeepTheirCountWhileOneThreadIsInsideTheScope()
        {
            WithAtenThreads(() =>
            {
                _ = get_num_threads(); // this thread has made its first call before the scope
                using (CallingThreadParallelism.SingleThreaded())
                {
                    int seenElsewhere = 0;
                    // a new thread takes ATen's process-wide count
                    OnFreshThread(() => seenElsewhere = get_num_threads());
                    Assert.Equal(AtenThreads, seenElsewhere);
                    Assert.Equal(1, get_num_threads());
                }
            });
        }

        [Fact]
        public void ANewThreadsFirstTorchCallInsideTheScopeStillRunsAloneAndRestoresAtensCount()
        {
            // ATen sets a thread's OpenMP count on the thread's first parallel-aware call; the scope must not be undone
            // by it nor restore OpenMP's own default (the machine's core count) instead of ATen's.
            WithAtenThreads(() =>
            {
                using (CallingThreadParallelism.SingleThreaded())
                    Assert.Equal(1, get_num_threads());
                Assert.Equal(AtenThreads, get_num_threads());
            });
        }
    }
}
