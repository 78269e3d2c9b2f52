using System;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// Tells the garbage collector how much native memory a module's weights hold, for as long as this object lives.
    /// Models are freed by the collector (ML.NET disposes transformers it does not own), and without this a model's
    /// megabytes of libtorch memory would look like a few managed bytes to it.
    /// </summary>
    internal sealed class NativeMemoryPressure
    {
        private readonly long _bytes;

        private NativeMemoryPressure(long bytes)
        {
            _bytes = bytes;
            if (_bytes > 0) GC.AddMemoryPressure(_bytes);
        }

        /// <summary>
        /// Pressure for the parameters and buffers of <paramref name="module"/>, removed when the returned object is
        /// collected.
        /// </summary>
        public static NativeMemoryPressure Of(nn.Module module)
            => new(module.parameters().Concat(module.buffers()).Sum(t => t.numel() * t.ElementSize));

        ~NativeMemoryPressure()
        {
            if (_bytes > 0) GC.RemoveMemoryPressure(_bytes);
        }
    }
}
