using System;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// Runs a stretch of libtorch work on the calling thread alone. A single image can be too little work to share:
    /// each of a forward pass's small operations wakes OpenMP's worker threads and waits for them, a fixed cost that
    /// can outweigh the split work (the benchmarks measure it). OpenMP's thread count is a per-thread setting (ATen
    /// re-applies its own to each new thread for that reason), so setting it on the calling thread for the duration
    /// leaves every other thread, and this one afterwards, as they were. Where the OpenMP runtime cannot be reached
    /// this does nothing.
    /// </summary>
    internal static class CallingThreadParallelism
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int GetMaxThreads();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void SetNumThreads(int threads);

        private static readonly Lazy<(GetMaxThreads Get, SetNumThreads Set)> s_openMp = new(FindOpenMp);

        /// <summary>
        /// Whether the OpenMP runtime libtorch uses was found (else <see cref="SingleThreaded"/> changes nothing).
        /// </summary>
        public static bool Available => s_openMp.Value.Get is not null;

        /// <summary>Until disposed, libtorch work issued from this thread runs on it alone.</summary>
        public static Scope SingleThreaded()
        {
            var (get, set) = s_openMp.Value;
            if (get is null) return default;
            // ATen sets a thread's OpenMP count from its own on the thread's first parallel call; make that happen now,
            // or it would overwrite ours inside the scope and the value restored below would be OpenMP's default, not
            // ATen's.
            torch.get_num_threads();
            int previous = get();
            if (previous == 1) return default;
            set(1);
            return new Scope(() => set(previous));
        }

        /// <summary>Restores the calling thread's OpenMP thread count.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly Action _restore;

            internal Scope(Action restore) => _restore = restore;

            public void Dispose() => _restore?.Invoke();
        }

        // libtorch does not re-export OpenMP, but symbol lookup through its handle searches its dependencies, where the
        // OpenMP runtime it was built with (GNU's on Linux, Intel's on Windows) is.
        private static (GetMaxThreads, SetNumThreads) FindOpenMp()
        {
            try
            {
                TorchNativeLibrary.EnsureLoaded();
                var assembly = typeof(CallingThreadParallelism).Assembly;
                if (!NativeLibrary.TryLoad("libtorch_cpu", assembly, null, out var library)
                    && !NativeLibrary.TryLoad("torch_cpu", assembly, null, out library))
                    return (null, null);
                if (!NativeLibrary.TryGetExport(library, "omp_get_max_threads", out var get)
                    || !NativeLibrary.TryGetExport(library, "omp_set_num_threads", out var set))
                    return (null, null);
                return (Marshal.GetDelegateForFunctionPointer<GetMaxThreads>(get),
                    Marshal.GetDelegateForFunctionPointer<SetNumThreads>(set));
            }
            catch (Exception e)
                when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                return (null, null);
            }
        }
    }
}
