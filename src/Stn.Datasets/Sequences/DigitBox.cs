namespace Stn.Datasets.Sequences
{
    /// <summary>A digit's true box on the canvas, in pixels: the smallest axis-aligned box holding its ink.</summary>
    /// <param name="X">Left edge (column of the first inked pixel).</param>
    /// <param name="Y">Top edge (row of the first inked pixel).</param>
    /// <param name="Width">Columns spanned.</param>
    /// <param name="Height">Rows spanned.</param>
    public readonly record struct DigitBox(int X, int Y, int Width, int Height);
}
