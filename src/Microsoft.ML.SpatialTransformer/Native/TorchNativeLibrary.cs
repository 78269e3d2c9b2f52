using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// Loads TorchSharp's native library once and turns a failure into one actionable message, instead of the
    /// TypeInitializationException (whose inner text blames a missing package even when the real cause is libstdc++).
    /// </summary>
    public static class TorchNativeLibrary
    {
        private static readonly Lazy<Exception> s_failure = new Lazy<Exception>(TryLoad);

        /// <summary>
        /// Throws <see cref="InvalidOperationException"/> saying what is missing if TorchSharp cannot load, or if its
        /// convolutions compute wrong values on this machine and no workaround helps (see <see cref="Warning"/>).
        /// </summary>
        public static void EnsureLoaded()
        {
            if (s_failure.Value is Exception e) throw e;
        }

        /// <summary>
        /// Set when loading had to work around a fault of this machine (oneDNN's convolutions computed wrong values, so
        /// the networks' convolutions run channels-last, or oneDNN was turned off); trainers log it as a warning. Null
        /// otherwise.
        /// </summary>
        public static string Warning { get; private set; }

        private static Exception TryLoad()
        {
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
            {
                var inner = e is TypeInitializationException && e.InnerException is not null ? e.InnerException : e;
                return new InvalidOperationException(Explain(), inner);
            }
            GlibcMalloc.SetThresholds();
            var failure = ConvolutionCheck.Verify(out string warning);
            Warning = warning;
            return failure;
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
            return new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" }
                .Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
        }
    }
}
