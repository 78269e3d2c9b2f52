using System;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Picks the device ML.NET's way: MLContext.GpuDeviceId selects CUDA, FallbackToCpu decides what happens without
    /// one.
    /// </summary>
    internal static class TorchDevice
    {
        public static Device Select(IHostEnvironment env, IChannel ch)
        {
            TorchNativeLibrary.EnsureLoaded();
            if (TorchNativeLibrary.Warning is string warning) ch.Warning(warning);
            var settings = env as IHostEnvironmentInternal;
            int? gpu = settings?.GpuDeviceId;
            if (gpu is null)
            {
                ch.Info("Training on CPU.");
                return CPU;
            }
            if (cuda.is_available() && gpu.Value < cuda.device_count())
            {
                ch.Info($"Training on CUDA device {gpu.Value}.");
                return new Device(DeviceType.CUDA, gpu.Value);
            }
            if (settings.FallbackToCpu)
            {
                ch.Warning($"MLContext.GpuDeviceId is {gpu.Value} but no such CUDA device is available to " +
                    "TorchSharp; falling back to CPU.");
                return CPU;
            }
            throw env.Except(
                $"MLContext.GpuDeviceId is {gpu.Value} but no such CUDA device is available to TorchSharp " +
                $"({(cuda.is_available() ? cuda.device_count() + " device(s) found" : "no CUDA backend or device")})" +
                ". " +
                "Reference a CUDA backend package (TorchSharp-cuda-windows or TorchSharp-cuda-linux) on a " +
                "machine with an NVIDIA GPU, " +
                "or set MLContext.FallbackToCpu = true.");
        }

        /// <summary>
        /// MLContext's seed when it has one; otherwise a draw from the host's random source, so that, as everywhere in
        /// ML.NET, a context without a seed gives a different run each time.
        /// </summary>
        public static int Seed(IHost host) => (host as IHostEnvironmentInternal)?.Seed ?? host.Rand.Next();
    }
}
