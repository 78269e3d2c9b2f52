using System;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.SpatialTransformer.Scoring
{
    /// <summary>
    /// Whether ONNX Runtime's native library can be loaded in this process. The library references only the managed
    /// API (Microsoft.ML.OnnxRuntime.Managed); the native library comes with the application's Microsoft.ML.OnnxRuntime
    /// reference. Probed once per process: the answer cannot change while the process runs.
    /// </summary>
    internal static class OnnxRuntimeLibrary
    {
        private static readonly Lazy<string> s_failure = new(Probe);

        /// <summary>True when an ONNX Runtime session can be created.</summary>
        public static bool IsAvailable => s_failure.Value is null;

        /// <summary>Why ONNX Runtime cannot be used (null when it can).</summary>
        public static string Failure => s_failure.Value;

        private static string Probe()
        {
            try
            {
                // The first touch of the native API loads libonnxruntime and checks its API version.
                OrtEnv.Instance().GetVersionString();
                return null;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException
                or BadImageFormatException or TypeInitializationException or OnnxRuntimeException
                or InvalidOperationException)
            {
                var inner = e;
                while (inner.InnerException is not null) inner = inner.InnerException;
                return inner.Message;
            }
        }
    }
}
