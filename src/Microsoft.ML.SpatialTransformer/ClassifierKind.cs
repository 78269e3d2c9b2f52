namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>The classifier networks of the paper's comparisons. Values are saved: never renumber them.</summary>
    public enum ClassifierKind
    {
        /// <summary>The paper's FCN: two hidden fully connected layers (default 128 units each), ReLU.</summary>
        Fcn = 0,
        /// <summary>
        /// The paper's CNN: conv 9x9 -> max pool 2 -> conv 7x7 -> max pool 2 (default 32 and 64 filters, 'same'
        /// padding).
        /// </summary>
        Cnn = 1,
        /// <summary>
        /// The PyTorch tutorial's: conv 5x5 (10) -> pool -> conv 5x5 (20) -> dropout2d -> pool -> FC 50 -> dropout.
        /// </summary>
        Tutorial = 2,
    }
}
