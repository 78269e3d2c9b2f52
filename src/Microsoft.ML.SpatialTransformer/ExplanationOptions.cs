using Microsoft.ML.Data;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// What <see cref="SpatialTransformExplanations.SaveExplanations(SpatialTransformTransformer, IDataView, string,
    /// ExplanationOptions)"/> draws and captions. Pass scored rows (the output of a trained model's Transform) to
    /// caption each row with its prediction; add the label column to show the truth and to pick misclassified rows.
    /// </summary>
    public sealed class ExplanationOptions
    {
        /// <summary>Rows to render (at least 1). Default 8.</summary>
        public int MaxRows { get; set; } = 8;

        /// <summary>
        /// Which rows: the first ones, misclassified ones, or a few per class. Default <see
        /// cref="ExplanationRows.First"/>.
        /// </summary>
        public ExplanationRows Rows { get; set; } = ExplanationRows.First;

        /// <summary>Rows per class for <see cref="ExplanationRows.PerClass"/> (at least 1). Default 1.</summary>
        public int RowsPerClass { get; set; } = 1;

        /// <summary>Screen pixels per image pixel (at least 1). Default 4.</summary>
        public int Zoom { get; set; } = 4;

        /// <summary>Cells per side of the drawn sampling grid (at least 1). Default 8.</summary>
        public int GridLines { get; set; } = 8;

        /// <summary>
        /// The true label column (any scalar type; key labels are shown by their key values), or null for none.
        /// Default null.
        /// </summary>
        public string LabelColumnName { get; set; }

        /// <summary>
        /// The class probabilities (a vector, with slot names for class names as ML.NET's multiclass scorers write
        /// them); used when the data has it. Default "Score".
        /// </summary>
        public string ScoreColumnName { get; set; } = DefaultColumnNames.Score;

        /// <summary>
        /// The pixel value drawn black. With <see cref="WhiteValue"/> it fixes one scale for every panel and every row,
        /// so brightness compares across images; left null, both come from the smallest and largest value of the
        /// rendered rows' inputs taken together (never per image). Default null.
        /// </summary>
        public float? BlackValue { get; set; }

        /// <summary>
        /// The pixel value drawn white (with the colour's full intensity); see <see cref="BlackValue"/>. Default null.
        /// </summary>
        public float? WhiteValue { get; set; }
    }
}
