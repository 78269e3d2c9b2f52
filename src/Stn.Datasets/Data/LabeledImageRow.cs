namespace Stn.Datasets.Data
{
    /// <summary>
    /// One row of a labelled image set (see <see cref="DatasetColumns"/>); also the type for <c>CreateEnumerable</c>.
    /// </summary>
    public sealed class LabeledImageRow
    {
        /// <summary>The pixels, planar [C, H, W], in [0, 1].</summary>
        public float[] Image { get; set; }

        /// <summary>The class as a number (the digit).</summary>
        public uint Label { get; set; }
    }
}
