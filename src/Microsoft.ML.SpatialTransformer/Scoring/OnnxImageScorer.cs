using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Native;

namespace Microsoft.ML.SpatialTransformer.Scoring
{
    /// <summary>
    /// Scores one image at a time through an ONNX Runtime session of a model's ONNX export (input "image" [N,C,H,W],
    /// output "probabilities" [N,K]). One intra-op thread and sequential execution: each call runs on the calling
    /// thread alone, so its result is the same bits whatever the machine's load or the process's thread settings.
    /// Thread-safe: every thread gets its own input and output tensors, allocated once by ONNX Runtime (native, never
    /// moved by the garbage collector) and reused. The owner disposes it; the finalizer releases the tensors and the
    /// session of an instance that was never disposed.
    /// </summary>
    internal sealed class OnnxImageScorer : IDisposable
    {
        private const string InputName = "image";
        private const string OutputName = "probabilities";
        private static readonly string[] s_inputNames = { InputName };
        private static readonly string[] s_outputNames = { OutputName };

        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions;
        private readonly ImageShape _shape;
        private readonly int _classes;
        private readonly ThreadLocal<Buffers> _buffers;
        // Every thread's buffers, for disposal (ThreadLocal's own list is gone once it is finalized).
        private readonly List<Buffers> _allBuffers = new();
        private int _disposed;

        /// <summary>One thread's input [1,C,H,W] and output [1,K] tensors.</summary>
        private sealed class Buffers
        {
            public Buffers(ImageShape shape, int classes)
            {
                Inputs = new[] { Tensor(1, shape.Channels, shape.Height, shape.Width) };
                try { Outputs = new[] { Tensor(1, classes) }; }
                catch { Inputs[0].Dispose(); throw; }
            }

            private static OrtValue Tensor(params long[] shape) =>
                OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape);

            public OrtValue[] Inputs { get; }
            public OrtValue[] Outputs { get; }

            public void Release() { Inputs[0].Dispose(); Outputs[0].Dispose(); }
        }

        /// <summary>Builds the session from <paramref name="onnxModel"/> (the bytes of an ONNX ModelProto).</summary>
        /// <exception cref="OnnxRuntimeException">ONNX Runtime rejects the model.</exception>
        public OnnxImageScorer(byte[] onnxModel, ImageShape shape, int classes)
        {
            _shape = shape;
            _classes = classes;
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                // Warnings (an unused initializer, say) are not the application's business.
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                EnableCpuMemArena = false,
            };
            _session = new InferenceSession(onnxModel, options);
            _runOptions = new RunOptions();
            _buffers = new ThreadLocal<Buffers>(NewBuffers);
        }

        private Buffers NewBuffers()
        {
            var buffers = new Buffers(_shape, _classes);
            lock (_allBuffers) _allBuffers.Add(buffers);
            return buffers;
        }

        /// <summary>
        /// Writes the class probabilities of the image in <paramref name="pixels"/> ([C,H,W] row-major) to
        /// <paramref name="probabilities"/>.
        /// </summary>
        public void Score(ReadOnlySpan<float> pixels, Span<float> probabilities)
        {
            if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(OnnxImageScorer));
            if (pixels.Length != _shape.Size)
                throw new ArgumentException($"expected {_shape.Size} values ({_shape}); got {pixels.Length}",
                    nameof(pixels));
            if (probabilities.Length != _classes)
                throw new ArgumentException($"expected room for {_classes} classes; got {probabilities.Length}",
                    nameof(probabilities));
            var buffers = _buffers.Value;
            pixels.CopyTo(buffers.Inputs[0].GetTensorMutableDataAsSpan<float>());
            _session.Run(_runOptions, s_inputNames, buffers.Inputs, s_outputNames, buffers.Outputs);
            buffers.Outputs[0].GetTensorDataAsSpan<float>().CopyTo(probabilities);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _buffers.Dispose();
            Release();
            GC.SuppressFinalize(this);
        }

        // Unreachable, so no thread is scoring: the tensors and the session go back now (disposing twice is harmless
        // should their own finalizers have run first), and glibc returns the freed pages: a session holds a copy of the
        // weights, which raised malloc thresholds would otherwise keep resident after the app drops the model.
        ~OnnxImageScorer()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Release();
        }

        private void Release()
        {
            ReleaseBuffers();
            _session.Dispose();
            _runOptions.Dispose();
            GlibcMalloc.ReturnFreeMemory();
        }

        private void ReleaseBuffers()
        {
            lock (_allBuffers)
            {
                foreach (var buffers in _allBuffers) buffers.Release();
                _allBuffers.Clear();
            }
        }
    }
}
