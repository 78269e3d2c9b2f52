namespace Stn.Datasets.Sequences
{
    /// <summary>One row of <see cref="DigitSequenceGenerator.ToDataView"/>; also the type for
    /// <c>CreateEnumerable</c>.</summary>
    public sealed class DigitSequenceRow
    {
        /// <summary>The canvas, Vector&lt;Single, 1, S, S&gt;, in [0, 1].</summary>
        public float[] Pixels { get; set; }

        /// <summary>The digits as text, 1 to 5 characters '0'-'9' ("307").</summary>
        public string Label { get; set; }

        /// <summary>
        /// Vector&lt;Single, 5, 4&gt;: x, y, width, height in pixels of each digit's true box, left to right; zeros
        /// past the
        /// sequence's end.
        /// </summary>
        public float[] Boxes { get; set; }
    }
}
