namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// What a learned <see cref="SpatialTransformEstimator"/> trains its localisation network for. The fitted transform
    /// is the same at scoring time whichever objective trained it.
    /// </summary>
    public enum SpatialTransformObjective
    {
        /// <summary>
        /// End to end through a small auxiliary classifier on a key-typed label column
        /// (<see cref="SpatialTransformEstimator.Options.LabelColumnName"/>): the transform that helps classify.
        /// </summary>
        Classification = 0,
        /// <summary>
        /// The paper's co-localisation: from images that share an object class, with no labels and no boxes, an
        /// attention transform learns to crop the common object. A triplet hinge loss (margin 1) on embeddings of
        /// crops pulls the crops of two images together and pushes a crop away from a random crop of its own image;
        /// Fit chooses each image's box by that loss, then the localisation network learns the boxes chosen, and can
        /// go on learning on the loss itself, end to end through the sampler
        /// (<see cref="SpatialTransformEstimator.Options.TripletEpochs"/>).
        /// </summary>
        CoLocalisation = 1,
    }
}
