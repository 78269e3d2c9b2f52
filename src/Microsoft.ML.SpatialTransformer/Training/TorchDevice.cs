using System;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>Picks the device ML.NET's way: MLContext.GpuDeviceId selects CUDA, FallbackToCpu decides what happens without one.</summary>
    internal static class TorchDevice
    {
        public static Device Select(IHostEnvironment env, IChannel ch)
        {
            TorchNativeLibrary.EnsureLoaded();
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
                ch.Warning($"MLContext.GpuDeviceId is {gpu.Value} but no such CUDA device is available to TorchSharp; falling back to CPU.");
                return CPU;
            }
            throw env.Except(
                $"MLContext.GpuDeviceId is {gpu.Value} but no such CUDA device is available to TorchSharp " +
                $"({(cuda.is_available() ? cuda.device_count() + " device(s) found" : "no CUDA backend or device")}). " +
                "Reference a CUDA backend package (TorchSharp-cuda-windows or TorchSharp-cuda-linux) on a machine with an NVIDIA GPU, " +
                "or set MLContext.FallbackToCpu = true.");
        }

        /// <summary>The seed of MLContext (its Seed property), or a fixed default so runs are repeatable unless asked otherwise.</summary>
        public static int Seed(IHostEnvironment env) => (env as IHostEnvironmentInternal)?.Seed ?? 0;
    }
}
