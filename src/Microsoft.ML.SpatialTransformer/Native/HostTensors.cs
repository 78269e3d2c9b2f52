using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// Copies between managed float arrays and tensors as one block copy through the tensor's storage. TorchSharp's
    /// tensor(float[]) instead clones the array and keeps the clone pinned for the tensor's lifetime: a managed
    /// allocation and a GC handle per batch, and pinned arrays the collector must work around.
    /// </summary>
    internal static class HostTensors
    {
        /// <summary>
        /// A new float32 tensor of <paramref name="shape"/> holding <paramref name="values"/> (row-major), on <paramref
        /// name="device"/> (null: CPU).
        /// </summary>
        public static Tensor FromSpan(ReadOnlySpan<float> values, long[] shape, Device device = null)
        {
            var host = empty(shape, dtype: ScalarType.Float32);
            long count = host.numel();
            if (values.Length != count)
            {
                host.Dispose();
                throw new ArgumentException(
                    $"{values.Length} values cannot fill a tensor of shape [{string.Join(", ", shape)}] " +
                    $"({count} values).",
                    nameof(values));
            }
            values.CopyTo(MemoryMarshal.Cast<byte, float>(host.bytes));
            return OnDevice(host, device);
        }

        /// <summary>
        /// A new int64 tensor holding <paramref name="values"/>, on <paramref name="device"/> (null: CPU).
        /// </summary>
        public static Tensor FromSpan(ReadOnlySpan<long> values, Device device = null)
        {
            var host = empty(new long[] { values.Length }, dtype: ScalarType.Int64);
            values.CopyTo(MemoryMarshal.Cast<byte, long>(host.bytes));
            return OnDevice(host, device);
        }

        // A CPU tensor just filled, moved to device (and the CPU one freed) unless that is the CPU.
        private static Tensor OnDevice(Tensor host, Device device)
        {
            if (device is null || device.type == TorchSharp.DeviceType.CPU) return host;
            using (host) return host.to(device);
        }

        /// <summary>
        /// Copies the float32 values of <paramref name="source"/> (any device or layout), row-major, to <paramref
        /// name="destination"/>.
        /// </summary>
        public static void CopyTo(Tensor source, Span<float> destination)
        {
            if (source.dtype != ScalarType.Float32)
                throw new ArgumentException($"expected a float32 tensor; got {source.dtype}.", nameof(source));
            using var scope = NewDisposeScope();
            var host = source.device_type == TorchSharp.DeviceType.CPU ? source : source.cpu();
            if (!host.is_contiguous()) host = host.contiguous();
            var values = MemoryMarshal.Cast<byte, float>(host.bytes);
            if (values.Length > destination.Length)
                throw new ArgumentException($"{values.Length} values do not fit in {destination.Length}.",
                    nameof(destination));
            values.CopyTo(destination);
        }
    }
}
