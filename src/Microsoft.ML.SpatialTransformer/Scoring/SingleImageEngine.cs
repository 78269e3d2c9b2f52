using System;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer.Scoring
{
    /// <summary>
    /// A model's choice of engine for single images (<see cref="ScoringEngine"/>). The ONNX Runtime session is built
    /// once, from the model's own export, the first time it is needed, and kept for the model's lifetime (switching
    /// engines back and forth reuses it): disposing it while another thread scores through it would free memory in use.
    /// At <see cref="ScoringEngine.Auto"/>, a model that cannot run on ONNX Runtime scores through TorchSharp; the
    /// outcome is decided once per model and process, never by timing.
    /// </summary>
    internal sealed class SingleImageEngine
    {
        private readonly Func<byte[]> _export;
        private readonly ImageShape _shape;
        private readonly int _classes;
        private readonly object _gate = new();
        private int _requested = (int)ScoringEngine.Auto;
        private OnnxImageScorer _scorer;
        private string _unavailable; // why ONNX Runtime cannot score this model; null: not tried yet, or it can

        /// <param name="export">The model's ONNX export (throws NotSupportedException for a part ONNX lacks).</param>
        /// <param name="shape">The image layout the model takes.</param>
        /// <param name="classes">The number of class probabilities it returns.</param>
        public SingleImageEngine(Func<byte[]> export, ImageShape shape, int classes)
        {
            _export = export;
            _shape = shape;
            _classes = classes;
        }

        /// <summary>
        /// The engine asked for. Setting <see cref="ScoringEngine.OnnxRuntime"/> builds the session at once, so a model
        /// that cannot run on ONNX Runtime says so here, not at its first prediction.
        /// </summary>
        public ScoringEngine Requested
        {
            get => (ScoringEngine)Volatile.Read(ref _requested);
            set
            {
                if (!Enum.IsDefined(value))
                    throw new ArgumentOutOfRangeException(nameof(value), value,
                        "ScoringEngine must be Auto, TorchSharp or OnnxRuntime.");
                if (value == ScoringEngine.OnnxRuntime && TryGetScorer() is null) throw Unavailable();
                Volatile.Write(ref _requested, (int)value);
            }
        }

        /// <summary>
        /// The engine single images run on now: <see cref="ScoringEngine.TorchSharp"/> or
        /// <see cref="ScoringEngine.OnnxRuntime"/>.
        /// </summary>
        public ScoringEngine Active => Scorer() is null ? ScoringEngine.TorchSharp : ScoringEngine.OnnxRuntime;

        /// <summary>The ONNX Runtime scorer to use, or null to score through TorchSharp.</summary>
        public OnnxImageScorer Scorer()
        {
            var requested = Requested;
            if (requested == ScoringEngine.TorchSharp) return null;
            var scorer = TryGetScorer();
            if (scorer is null && requested == ScoringEngine.OnnxRuntime) throw Unavailable();
            return scorer;
        }

        private OnnxImageScorer TryGetScorer()
        {
            var scorer = Volatile.Read(ref _scorer);
            if (scorer is not null || Volatile.Read(ref _unavailable) is not null) return scorer;
            lock (_gate)
            {
                if (_scorer is null && _unavailable is null)
                {
                    if (!OnnxRuntimeLibrary.IsAvailable)
                        _unavailable = "ONNX Runtime's native library could not be loaded ("
                            + OnnxRuntimeLibrary.Failure + "); the application must reference the "
                            + "Microsoft.ML.OnnxRuntime package";
                    else
                        Volatile.Write(ref _scorer, Build());
                }
                return _scorer;
            }
        }

        // Called under _gate: returns null (with the reason recorded) when the model cannot run on ONNX Runtime.
        private OnnxImageScorer Build()
        {
            byte[] onnx;
            try { onnx = _export(); }
            catch (NotSupportedException e)
            {
                _unavailable = "this model cannot be exported to ONNX: " + e.Message;
                return null;
            }
            try { return new OnnxImageScorer(onnx, _shape, _classes); }
            catch (OnnxRuntimeException e)
            {
                _unavailable = "ONNX Runtime cannot load this model's ONNX export: " + e.Message;
                return null;
            }
        }

        private InvalidOperationException Unavailable() => new(
            $"ScoringEngine.OnnxRuntime was asked for, but {_unavailable}. "
            + "Use ScoringEngine.Auto to fall back to TorchSharp.");
    }
}
