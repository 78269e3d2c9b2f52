namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Interpolation of the sampler. Values follow ATen's grid_sampler numbering and are saved in models.
    /// </summary>
    public enum SamplingMode
    {
        /// <summary>
        /// Bilinear kernel max(0, 1-|dx|) max(0, 1-|dy|): differentiable w.r.t. input and grid (the paper's sampler).
        /// </summary>
        Bilinear = 0,
        /// <summary>Nearest pixel: exact copies, zero gradient w.r.t. the grid.</summary>
        Nearest = 1,
        /// <summary>Bicubic (a = -0.75), as PyTorch's grid_sample mode "bicubic".</summary>
        Bicubic = 2,
    }

    /// <summary>
    /// What the sampler reads outside the input. Values follow ATen's numbering and are saved in models.
    /// </summary>
    public enum PaddingMode
    {
        /// <summary>Zero outside the image.</summary>
        Zeros = 0,
        /// <summary>The nearest border pixel.</summary>
        Border = 1,
        /// <summary>The image mirrored at its border.</summary>
        Reflection = 2,
    }
}
