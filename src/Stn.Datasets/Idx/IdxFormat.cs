namespace Stn.Datasets.Idx
{
    /// <summary>
    /// The IDX layout (as the MNIST files): bytes 0-1 are zero, byte 2 the element type (0x08 = unsigned byte, the only
    /// type read here), byte 3 the number of dimensions d; then d big-endian int32 sizes; then the data, row-major.
    /// Files may be gzip-compressed; a reader tells them apart by the gzip magic bytes 0x1F 0x8B.
    /// </summary>
    public static class IdxFormat
    {
        /// <summary>Element type code of unsigned bytes.</summary>
        public const byte UnsignedByte = 0x08;

        /// <summary>The largest number of dimensions accepted (IDX itself allows 255; real files use 1 to 3).</summary>
        public const int MaxRank = 8;

        /// <summary>First two bytes of every gzip stream.</summary>
        internal const byte GzipMagic0 = 0x1F, GzipMagic1 = 0x8B;

        /// <summary>
        /// The four magic bytes of an unsigned-byte file of <paramref name="rank"/> dimensions, as a big-endian int
        /// (0x00000801 for labels, 0x00000803 for images).
        /// </summary>
        public static int Magic(int rank) => (UnsignedByte << 8) | rank;

        /// <summary>
        /// Number of elements of an array of <paramref name="dimensions"/>; long.MaxValue when the product overflows.
        /// </summary>
        internal static long ElementCount(int[] dimensions)
        {
            long count = 1;
            foreach (int d in dimensions)
            {
                if (d != 0 && count > long.MaxValue / d) return long.MaxValue;
                count *= d;
            }
            return count;
        }
    }
}
