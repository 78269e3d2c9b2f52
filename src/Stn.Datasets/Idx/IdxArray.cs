using System;
using System.Linq;

namespace Stn.Datasets.Idx
{
    /// <summary>
    /// The content of an IDX file of unsigned bytes: its dimensions (outermost first, e.g. [count, rows, columns]) and
    /// its data in row-major order.
    /// </summary>
    public sealed class IdxArray
    {
        /// <summary>
        /// Creates an array, checking that <paramref name="data"/> holds exactly the product of <paramref
        /// name="dimensions"/> bytes.
        /// </summary>
        public IdxArray(int[] dimensions, byte[] data)
        {
            if (dimensions is null) throw new ArgumentNullException(nameof(dimensions));
            if (data is null) throw new ArgumentNullException(nameof(data));
            if (dimensions.Length is < 1 or > IdxFormat.MaxRank)
                throw new ArgumentException($"dimensions must have 1 to {IdxFormat.MaxRank} " +
                    $"entries; got {dimensions.Length}.", nameof(dimensions));
            if (dimensions.Any(d => d < 0))
                throw new ArgumentException($"dimensions must not be negative; got [{string.Join(", ", dimensions)}].",
                    nameof(dimensions));
            long expected = IdxFormat.ElementCount(dimensions);
            if (data.LongLength != expected)
                throw new ArgumentException(
                    $"data must hold {expected} bytes for dimensions " +
                    $"[{string.Join(", ", dimensions)}]; got {data.LongLength}.", nameof(data));
            Dimensions = (int[])dimensions.Clone();
            Data = data;
        }

        /// <summary>The dimensions, outermost first.</summary>
        public int[] Dimensions { get; }

        /// <summary>The values, row-major (the last dimension varies fastest). Shared, not copied.</summary>
        public byte[] Data { get; }

        /// <summary>The dimensions as text, e.g. "[60000, 28, 28]".</summary>
        public override string ToString() => "[" + string.Join(", ", Dimensions) + "]";
    }
}
