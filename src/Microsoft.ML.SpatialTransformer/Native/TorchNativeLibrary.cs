using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// Loads TorchSharp's native library once per process and checks its convolutions (<see cref="ConvolutionCheck"/>),
    /// turning a failure into one actionable message instead of the TypeInitializationException (whose inner text
    /// blames a missing package even when the real cause is libstdc++). The outcome is read once and never changes.
    /// The library's entry points (the start of training, loading a model, building a scorer) call
    /// <see cref="EnsureLoaded"/> so that a failure or a workaround is reported there; a convolution that runs before
    /// any of them (<see cref="SafeConv2d"/>) loads it itself.
    /// </summary>
    public static class TorchNativeLibrary
    {
        private static readonly Lazy<(Exception Failure, ConvolutionCheck.Outcome Convolutions)> s_loaded = new(Load);

        /// <summary>
        /// Throws <see cref="InvalidOperationException"/> saying what is missing if TorchSharp cannot load, or if its
        /// convolutions compute wrong values on this machine and no workaround helps (see <see cref="Warning"/>).
        /// </summary>
        public static void EnsureLoaded()
        {
            if (s_loaded.Value.Failure is Exception e) throw e;
        }

        /// <summary>
        /// Set once loaded if loading had to work around a fault of this machine (oneDNN's convolutions computed wrong
        /// values, so the networks' convolutions run channels-last, or oneDNN was turned off); trainers log it as a
        /// warning. Null otherwise, and before <see cref="EnsureLoaded"/>.
        /// </summary>
        public static string Warning => s_loaded.IsValueCreated ? s_loaded.Value.Convolutions?.Warning : null;

        /// <summary>The layout this process's CPU convolutions use without gradients (scoring); loads the library
        /// first if need be.</summary>
        internal static ConvolutionLayout ScoringConvolutionLayout
        {
            get
            {
                EnsureLoaded();
                return s_loaded.Value.Convolutions.Layout;
            }
        }

        /// <summary>The layout this process's CPU convolutions use with gradients (training); loads the library first
        /// if need be.</summary>
        internal static ConvolutionLayout TrainingConvolutionLayout
        {
            get
            {
                EnsureLoaded();
                return TrainingLayoutOverride ?? s_loaded.Value.Convolutions.TrainingLayout;
            }
        }

        /// <summary>Replaces the training layout while set (the benchmarks' profile times a step in each).</summary>
        internal static ConvolutionLayout? TrainingLayoutOverride { get; set; }

        private static (Exception, ConvolutionCheck.Outcome) Load()
        {
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
            {
                var inner = e is TypeInitializationException && e.InnerException is not null ? e.InnerException : e;
                return (new InvalidOperationException(Explain(), inner), null);
            }
            GlibcMalloc.SetThresholds();
            var convolutions = ConvolutionCheck.Run();
            return (convolutions.Failure, convolutions);
        }

        /// <summary>
        /// Why TorchSharp's native side did not load, the fix for that cause first (see NativeBackendProbe).
        /// </summary>
        internal static string Explain()
        {
            var searched = NativeBackendProbe.SearchDirectories();
            return NativeBackendProbe.Explain(NativeBackendProbe.Probe(searched), searched, HostLibStdCxx());
        }

        // The host's libstdc++, named in the message when it is the cause.
        private static string HostLibStdCxx()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return null;
            return new[]
                {
                    "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
                    "/usr/lib",
                }
                .Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
        }
    }
}
