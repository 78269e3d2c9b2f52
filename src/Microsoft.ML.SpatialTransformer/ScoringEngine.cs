namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// The runtime that scores single images (a PredictionEngine call) of a trained model. Training always runs on
    /// TorchSharp; this is a runtime choice, not saved with the model (a loaded model starts at <see cref="Auto"/>).
    /// Each engine gives the same bits for a given model and input in any process and at any thread count; the two
    /// engines agree to a small bound, not bit for bit (README, "Scoring in production").
    /// </summary>
    public enum ScoringEngine
    {
        /// <summary>
        /// ONNX Runtime when its native library is loadable (the application references the Microsoft.ML.OnnxRuntime
        /// package) and the model exports to ONNX; TorchSharp otherwise, silently. The default.
        /// </summary>
        Auto = 0,

        /// <summary>The TorchSharp network the model was trained as.</summary>
        TorchSharp = 1,

        /// <summary>
        /// An in-process ONNX Runtime session built from the model's own ONNX export (one thread, sequential
        /// execution). Asking for it throws InvalidOperationException when ONNX Runtime's native library cannot be
        /// loaded or the model cannot be exported.
        /// </summary>
        OnnxRuntime = 2,
    }
}
