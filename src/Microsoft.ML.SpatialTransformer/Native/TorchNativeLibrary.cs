using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Loads TorchSharp's native library once and turns a failure into one actionable message, instead of the
    /// TypeInitializationException (whose inner text blames a missing package even when the real cause is libstdc++).
    /// </summary>
    public static class TorchNativeLibrary
    {
        private const string NeededGlibcxx = "GLIBCXX_3.4.32";
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
        /// the networks' convolutions run channels-last, or oneDNN was turned off); trainers log it as a warning. Null otherwise.
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

        internal static string Explain()
        {
            var text = new StringBuilder("TorchSharp's native library (libtorch) could not be loaded. ");
            string glibcxx = MissingGlibcxxLibrary();
            if (glibcxx is not null)
            {
                text.Append($"This system's libstdc++ ({glibcxx}) lacks {NeededGlibcxx}, which TorchSharp's libLibTorchSharp.so ")
                    .Append("asks for (Debian 12, Ubuntu 22.04 and older). Build the application with Stn.MLNet's ")
                    .Append("build/TorchSharpNativeFix.targets (it marks that requirement weak in the build output), or install a ")
                    .Append("libstdc++ from GCC 13 or newer. ");
            }
            text.Append("Otherwise make sure the application references exactly one native backend package matching TorchSharp ")
                .Append("0.107.0: libtorch-cpu-linux-x64 / libtorch-cpu-win-x64 / libtorch-cpu-osx-arm64 2.10.0 for CPU, or ")
                .Append("TorchSharp-cuda-windows / TorchSharp-cuda-linux 0.107.0 for an NVIDIA GPU. See the inner exception for TorchSharp's own trace.");
            return text.ToString();
        }

        // The path of the host's libstdc++ when it lacks the version TorchSharp's build asks for; null otherwise.
        private static string MissingGlibcxxLibrary()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return null;
            string host = new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" }
                .Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
            if (host is null) return null;
            try
            {
                return Contains(File.ReadAllBytes(host), Encoding.ASCII.GetBytes(NeededGlibcxx + "\0")) ? null : host;
            }
            catch (IOException)
            {
                return null;
            }
        }

        private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
    }
}
