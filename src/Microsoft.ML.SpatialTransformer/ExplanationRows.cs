namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Which rows <see cref="SpatialTransformExplanations.SaveExplanations(SpatialTransformTransformer, IDataView,
    /// string, ExplanationOptions)"/> shows.
    /// </summary>
    public enum ExplanationRows
    {
        /// <summary>The first <see cref="ExplanationOptions.MaxRows"/> rows.</summary>
        First,

        /// <summary>
        /// The first <see cref="ExplanationOptions.MaxRows"/> rows whose prediction differs from the true label (needs
        /// <see cref="ExplanationOptions.LabelColumnName"/> and a score column).
        /// </summary>
        Misclassified,

        /// <summary>
        /// The first <see cref="ExplanationOptions.RowsPerClass"/> rows of each class (by true label where given, else
        /// by prediction), up to <see cref="ExplanationOptions.MaxRows"/> rows in all.
        /// </summary>
        PerClass,
    }
}
