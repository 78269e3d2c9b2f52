using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// glibc's malloc settings for a process that runs libtorch. A training step allocates and frees the same tensors
    /// of a few hundred KB to a few MB every step. glibc starts with a 128 KB mmap threshold and a trim threshold of
    /// twice it, both raised only as mmapped blocks are freed, so for the first hundreds of steps (and whenever several
    /// freed tensors meet at the heap's top) those tensors go back to the kernel on free and page-fault on their next
    /// use, in PyTorch as in TorchSharp: a step then pays page faults for memory it just had. Setting the thresholds
    /// up front removes that warm-up.
    /// </summary>
    /// <remarks>
    /// The values are those glibc's own adaptive rule ends at on 64-bit systems (mmap threshold 32 MB, its maximum;
    /// trim threshold twice it), so the process behaves as a long-running one would, without the warm-up. They are set
    /// once per process and not restored: glibc cannot return to its adaptive mode once a threshold is set. Left alone
    /// where the application chose its own (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_ or
    /// glibc.malloc tunables in GLIBC_TUNABLES), where it turned this off with the AppContext switch
    /// <see cref="SwitchName"/> = false, and off glibc (Windows, macOS, musl).
    /// </remarks>
    internal static class GlibcMalloc
    {
        /// <summary>AppContext switch; false keeps glibc's adaptive thresholds.</summary>
        public const string SwitchName = "Stn.MLNet.SetMallocThresholds";

        private const string Library = "libc.so.6";
        private const int TrimThresholdParameter = -1; // M_TRIM_THRESHOLD
        private const int MmapThresholdParameter = -3; // M_MMAP_THRESHOLD
        private const int MmapThresholdBytes = 32 << 20;
        private const int TrimThresholdBytes = 64 << 20;

        private static readonly object s_gate = new object();
        private static bool s_attempted;

        [DllImport(Library, EntryPoint = "mallopt")]
        private static extern int Mallopt(int parameter, int value);

        [DllImport(Library, EntryPoint = "malloc_trim")]
        private static extern int MallocTrim(UIntPtr pad);

        /// <summary>True once this process's thresholds were set by <see cref="SetThresholds"/>.</summary>
        public static bool ThresholdsSet { get; private set; }

        /// <summary>
        /// Sets the thresholds once per process, unless the application chose otherwise (see the remarks).
        /// </summary>
        public static void SetThresholds()
        {
            lock (s_gate)
            {
                if (s_attempted) return;
                s_attempted = true;
                if (!OnGlibc() || ApplicationChose()) return;
                try
                {
                    ThresholdsSet = Mallopt(TrimThresholdParameter, TrimThresholdBytes) == 1
                                    & Mallopt(MmapThresholdParameter, MmapThresholdBytes) == 1;
                }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                {
                }
            }
        }

        /// <summary>
        /// Hands freed heap pages back to the kernel (malloc_trim), e.g. after a Fit freed its training rows: with the
        /// higher thresholds those were heap blocks, which free() alone returns only from the heap's top.
        /// </summary>
        public static void ReturnFreeMemory()
        {
            if (!ThresholdsSet) return;
            try { MallocTrim(UIntPtr.Zero); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }

        private static bool OnGlibc()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return false;
            // musl has no mallopt thresholds; glibc exports gnu_get_libc_version.
            return NativeLibrary.TryLoad(Library, out var libc)
                && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _);
        }

        private static bool ApplicationChose()
        {
            if (AppContext.TryGetSwitch(SwitchName, out bool enabled) && !enabled) return true;
            foreach (string name in new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_" })
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) return true;
            string tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
            return tunables is not null && tunables.Contains("glibc.malloc.", StringComparison.Ordinal);
        }
    }
}
