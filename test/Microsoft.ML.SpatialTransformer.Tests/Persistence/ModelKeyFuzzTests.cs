using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>
    /// Every byte of our components' Model.key entries, flipped one at a time: each load succeeds or fails within a
    /// second, and allocates little (issue 11, item 4). Runs alone: it measures the process's peak resident memory.
    /// </summary>
    [Collection(SerialCollection.Name)]
    public class ModelKeyFuzzTests
    {
        private const long ManagedBytesPerLoad = 64L << 20;
        private const long PeakGrowth = 512L << 20;

        private readonly ITestOutputHelper _output;

        public ModelKeyFuzzTests(ITestOutputHelper output) => _output = output;

        // The default run flips every third byte, which still hits every 4-byte field; the Slow run flips every byte.
        [Fact]
        public void EveryThirdFlippedByteOfTheStCnnHeaderLoadsOrFailsQuickly()
            => Fuzz(SavedModels.StCnn(), SavedModels.StCnnSignature, stride: 3);

        [Fact, Trait("Category", "Slow")]
        public void EveryFlippedByteOfTheStCnnHeaderLoadsOrFailsQuickly()
            => Fuzz(SavedModels.StCnn(), SavedModels.StCnnSignature, stride: 1);

        [Fact]
        public void EveryThirdFlippedByteOfALearnedTransformHeaderLoadsOrFailsQuickly()
            => Fuzz(SavedModels.LearnedTransform(), SavedModels.SpatialTransformSignature, stride: 3);

        [Fact, Trait("Category", "Slow")]
        public void EveryFlippedByteOfALearnedTransformHeaderLoadsOrFailsQuickly()
            => Fuzz(SavedModels.LearnedTransform(), SavedModels.SpatialTransformSignature, stride: 1);

        [Fact]
        public void EveryThirdFlippedByteOfAnOldStCnnHeaderLoadsOrFailsQuickly()
            => Fuzz(Old("stcnn-v1.zip"), SavedModels.StCnnSignature, stride: 3);

        [Fact, Trait("Category", "Slow")]
        public void EveryFlippedByteOfAnOldStCnnHeaderLoadsOrFailsQuickly()
            => Fuzz(Old("stcnn-v1.zip"), SavedModels.StCnnSignature, stride: 1);

        [Fact]
        public void EveryThirdFlippedByteOfAnOldLearnedTransformHeaderLoadsOrFailsQuickly()
            => Fuzz(Old("learned-st-v1.zip"), SavedModels.SpatialTransformSignature, stride: 3);

        [Fact, Trait("Category", "Slow")]
        public void EveryFlippedByteOfAnOldLearnedTransformHeaderLoadsOrFailsQuickly()
            => Fuzz(Old("learned-st-v1.zip"), SavedModels.SpatialTransformSignature, stride: 1);

        // Models saved before the hashes (made by the previous format's code): only the range checks and size bounds
        // stand between a flipped byte and the allocator.
        private static byte[] Old(string file)
            => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Persistence", "Resources", file));

        private void Fuzz(byte[] zip, string signature, int stride)
        {
            string key = SavedModels.ModelKeyOf(zip, signature);
            var original = SavedModels.Read(zip, key);
            var ml = new MLContext(1);
            SavedModels.Load(ml, zip); // warm up: native library, type loading
            var process = Process.GetCurrentProcess();
            process.Refresh();
            long peakBefore = process.PeakWorkingSet64;
            int failed = 0;
            var slowest = TimeSpan.Zero;
            long mostAllocated = 0;
            for (int i = 0; i < original.Length; i += stride)
            {
                var content = (byte[])original.Clone();
                content[i] ^= 0xFF;
                var corrupted = SavedModels.WithEntry(zip, key, content);
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                bool loaded = true;
                try { SavedModels.Load(ml, corrupted); }
                catch (Exception) { failed++; loaded = false; }
                watch.Stop();
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                // A rejected file fails within a second; one that loads builds its (tiny) network, given more room on a
                // busy 2-core machine.
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(loaded ? 3 : 1),
                    $"byte {i} of {key}: the load took {watch.Elapsed} (loaded: {loaded})");
                Assert.True(allocated < ManagedBytesPerLoad,
                    $"byte {i} of {key}: the load allocated {allocated} managed bytes");
                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
                mostAllocated = Math.Max(mostAllocated, allocated);
            }
            process.Refresh();
            long growth = process.PeakWorkingSet64 - peakBefore;
            _output.WriteLine($"{key}: {original.Length} bytes, every {stride}. flipped, {failed} loads failed, " +
                $"slowest {slowest.TotalMilliseconds:0} ms, " +
                $"most managed allocation {mostAllocated} bytes, peak resident memory grew {growth} bytes");
            Assert.True(growth < PeakGrowth, $"the process's peak resident memory grew by {growth} bytes");
            Assert.True(failed > 0, $"none of {original.Length} corruptions was detected");
        }
    }
}
