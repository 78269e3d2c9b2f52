namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// The localisation networks of the paper and the PyTorch tutorial. Values are saved: never renumber them.
    /// </summary>
    public enum LocalisationNetworkKind
    {
        /// <summary>The paper's ST-FCN localisation: fully connected layers (default 3 x 32 units).</summary>
        Fcn = 0,
        /// <summary>
        /// The paper's ST-CNN localisation: 2x downsample, conv 5x5 (20), max pool, conv 5x5 (20), FC 20.
        /// </summary>
        Cnn = 1,
        /// <summary>The PyTorch tutorial's: conv 7x7 (8), max pool, conv 5x5 (10), max pool, FC 32.</summary>
        Tutorial = 2,
    }
}
