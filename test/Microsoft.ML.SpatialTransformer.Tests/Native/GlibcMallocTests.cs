using System;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    /// <summary>
    /// Loading the library sets glibc's malloc thresholds, so a training step's freed tensors stay in the heap instead
    /// of going back to the kernel and page-faulting on their next use; an application's own choice is left alone. Each
    /// case runs in a fresh process (the settings are process-wide), counting the minor page faults of four 1 MiB
    /// blocks allocated, touched and freed 200 times (the whole pattern touches 204,800 pages).
    /// </summary>
    public class GlibcMallocTests
    {
        private const long TouchedPages = 200L * 4 * 256;

        private static long Faults(string mode = null, params (string, string)[] environment)
        {
            string output = ModelRunnerProcess.Run(mode is null ? new[] { "--malloc-faults" }
                : new[] { "--malloc-faults", mode }, environment);
            string line = output.Split('\n').Single(l => l.StartsWith("faults ", StringComparison.Ordinal));
            return long.Parse(line["faults ".Length..]);
        }

        [Fact]
        public void FreedBlocksStayInTheHeapOnceTheLibraryIsLoaded()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            long set = Faults();
            long adaptive = Faults("adaptive");
            // glibc's adaptive thresholds trim the heap's top whenever the four freed blocks meet there.
            Assert.True(set * 4 < adaptive,
                $"faults with the library's thresholds {set}, with glibc's adaptive ones {adaptive}");
            Assert.True(set < TouchedPages / 20,
                $"faults with the library's thresholds {set} of {TouchedPages} pages touched");
        }

        [Fact]
        public void AnApplicationsOwnMallocSettingsAreLeftAlone()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            // A fixed 128 KB mmap threshold, chosen by the application: every 1 MiB block is mmapped, so every touch
            // faults.
            long chosen = Faults(null, ("MALLOC_MMAP_THRESHOLD_", "131072"));
            Assert.True(chosen > TouchedPages * 9 / 10, $"faults {chosen} of {TouchedPages} pages touched");
        }
    }
}
