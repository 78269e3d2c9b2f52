namespace Stn.Datasets.Data
{
    /// <summary>
    /// One row of a distorted image set (see <see cref="DatasetColumns"/>); also the type for <c>CreateEnumerable</c>.
    /// </summary>
    public sealed class DistortedImageRow
    {
        /// <summary>The distorted pixels, planar [C, H, W], in [0, 1].</summary>
        public float[] Image { get; set; }

        /// <summary>The class as a number (the digit, or the sum for MNIST addition).</summary>
        public uint Label { get; set; }

        /// <summary>The ground-truth transform parameters (see <c>DistortedImageSet.ThetaKind</c>).</summary>
        public float[] Theta { get; set; }
    }
}
