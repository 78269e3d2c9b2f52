namespace Microsoft.ML.SpatialTransformer.Visualization
{
    /// <summary>One rendered row: its position in the data, the images, theta and what the captions say.</summary>
    internal sealed record ExplainedRow(long Position, float[] Input, float[] Output, float[] Theta, string TrueLabel,
        string Predicted, float? Probability, bool? Correct);
}
