using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using Stn.Datasets.IO;

namespace Stn.Datasets.Idx
{
    /// <summary>
    /// Writes IDX files of unsigned bytes (see <see cref="IdxFormat"/>), atomically (temporary file, then move).
    /// A path ending in ".gz" is gzip-compressed, any other is raw, so the output has the MNIST file layout.
    /// </summary>
    public static class IdxWriter
    {
        /// <summary>
        /// Writes <paramref name="array"/> to <paramref name="path"/>; gzip when the name ends in ".gz".
        /// </summary>
        public static void Write(string path, IdxArray array)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            Write(path, array, compress: path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>
        /// Writes <paramref name="array"/> to <paramref name="path"/>, gzip-compressed when <paramref
        /// name="compress"/>.
        /// </summary>
        public static void Write(string path, IdxArray array, bool compress)
        {
            if (array is null) throw new ArgumentNullException(nameof(array));
            AtomicFile.Write(path, file =>
            {
                if (!compress)
                {
                    Write(file, array);
                    return;
                }
                // SmallestSize keeps the shipped subset small; the gzip header .NET writes carries no time stamp.
                using var gzip = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true);
                Write(gzip, array);
            });
        }

        /// <summary>
        /// Writes the header and data of <paramref name="array"/> to <paramref name="stream"/> (never compressed).
        /// </summary>
        public static void Write(Stream stream, IdxArray array)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            if (array is null) throw new ArgumentNullException(nameof(array));
            int rank = array.Dimensions.Length;
            var header = new byte[4 + 4 * rank];
            BinaryPrimitives.WriteInt32BigEndian(header, IdxFormat.Magic(rank));
            for (int i = 0; i < rank; i++)
                BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), array.Dimensions[i]);
            stream.Write(header, 0, header.Length);
            stream.Write(array.Data, 0, array.Data.Length);
        }
    }
}
