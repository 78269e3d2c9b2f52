namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// How a trained network scales its input images. Values are saved in models. The statistics are measured at Fit on
    /// the training rows and saved with the weights, so scoring, ONNX export and reloaded models apply the same
    /// scaling.
    /// </summary>
    public enum InputNormalization
    {
        /// <summary>
        /// The network sees the pixel values as given (models saved before normalisation existed load as this).
        /// </summary>
        None = 0,
        /// <summary>
        /// Each channel c is mapped to (x - mean[c]) / max(std[c], 1e-6), mean and (population) standard deviation
        /// taken over every pixel of that channel in the training rows; raw 0-255 pixels and pixels scaled to 0-1 then
        /// train alike.
        /// </summary>
        PerChannelMeanStd = 1,
    }
}
