using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using Stn.Datasets.IO;

namespace Stn.Datasets.Idx
{
    /// <summary>
    /// Reads IDX files of unsigned bytes (see <see cref="IdxFormat"/>), raw or gzip-compressed (told apart by the magic
    /// bytes, not the file name). Every format error is an <see cref="InvalidDataException"/> naming the file, the
    /// expected and the actual value.
    /// </summary>
    public static class IdxReader
    {
        /// <summary>Reads an image file: [count, rows, columns].</summary>
        public static IdxArray ReadImages(string path) => Read(path, expectedRank: 3);

        /// <summary>Reads a label file: [count].</summary>
        public static IdxArray ReadLabels(string path) => Read(path, expectedRank: 1);

        /// <summary>
        /// Reads an IDX file of any rank, or of exactly <paramref name="expectedRank"/> dimensions when given.
        /// </summary>
        public static IdxArray Read(string path, int? expectedRank = null)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            return Read(file, path, expectedRank);
        }

        /// <summary>
        /// Reads from <paramref name="stream"/>; <paramref name="name"/> names the source in error messages.
        /// </summary>
        public static IdxArray Read(Stream stream, string name, int? expectedRank = null)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            int first = stream.ReadByte(), second = first < 0 ? -1 : stream.ReadByte();
            if (second < 0)
                throw Error(name, "is too short for an IDX header", "at least 4 bytes", $"{(first < 0 ? 0 : 1)} bytes");
            bool gzip = first == IdxFormat.GzipMagic0 && second == IdxFormat.GzipMagic1;
            var prefix = new byte[] { (byte)first, (byte)second };
            // Give back the two bytes read to tell gzip from raw; the caller's stream is left open.
            Stream body = new PrefixedStream(prefix, stream);
            if (gzip) body = new GZipStream(body, CompressionMode.Decompress);
            try
            {
                using (body)
                    return ReadBody(body, name, gzip, expectedRank);
            }
            catch (InvalidDataException e) when (!e.Message.StartsWith(Prefix(name), StringComparison.Ordinal))
            {
                // GZipStream's own errors name no file.
                throw new InvalidDataException($"{Prefix(name)} is not a valid gzip stream: {e.Message}", e);
            }
        }

        private static IdxArray ReadBody(Stream body, string name, bool gzip, int? expectedRank)
        {
            string compressed = gzip ? " (after gzip decompression)" : "";
            var header = new byte[4];
            int got = ReadFully(body, header, 0, 4);
            if (got < 4)
                throw Error(name, "is too short for an IDX header" + compressed, "at least 4 bytes", $"{got} bytes");
            int magic = BinaryPrimitives.ReadInt32BigEndian(header);
            int rank = header[3];
            if (header[0] != 0 || header[1] != 0 || header[2] != IdxFormat.UnsignedByte || rank < 1
                || rank > IdxFormat.MaxRank
                || (expectedRank.HasValue && rank != expectedRank.Value))
            {
                string expected = expectedRank.HasValue
                    ? $"0x{IdxFormat.Magic(expectedRank.Value):X8} (unsigned bytes, {expectedRank.Value} " +
                    $"dimension{(expectedRank.Value == 1 ? "" : "s")})"
                    : $"0x000008NN (unsigned bytes, NN = 1 to {IdxFormat.MaxRank} dimensions)";
                throw Error(name, "has a bad magic number" + compressed, expected, $"0x{magic:X8}");
            }

            var sizeBytes = new byte[4 * rank];
            got = ReadFully(body, sizeBytes, 0, sizeBytes.Length);
            if (got < sizeBytes.Length)
                throw Error(name, $"is truncated in its header of {rank} dimension sizes" + compressed,
                    $"{sizeBytes.Length} bytes", $"{got} bytes");
            var dimensions = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(sizeBytes.AsSpan(4 * i));
                if (dimensions[i] < 0)
                    throw Error(name, $"has a negative size of dimension {i}", "a size >= 0", dimensions[i].ToString());
            }

            long count = IdxFormat.ElementCount(dimensions);
            if (count > Array.MaxLength)
                throw Error(name, "is too large to hold in one array", $"at most {Array.MaxLength} elements",
                    $"{count} (dimensions {Text(dimensions)})");
            var data = new byte[count];
            got = ReadFully(body, data, 0, data.Length);
            if (got < data.Length)
                throw Error(name, $"is truncated: the data of dimensions {Text(dimensions)} is cut short" + compressed,
                    $"{data.Length} data bytes", $"{got} bytes");
            if (body.ReadByte() >= 0)
                throw Error(name, $"has bytes after the data of dimensions {Text(dimensions)}" + compressed,
                    $"{data.Length} data bytes and then the end of the file", "more bytes");
            return new IdxArray(dimensions, data);
        }

        private static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
        {
            int total = 0;
            while (total < count)
            {
                int n = stream.Read(buffer, offset + total, count - total);
                if (n == 0) break;
                total += n;
            }
            return total;
        }

        private static string Prefix(string name) => $"IDX file '{name}'";

        private static string Text(int[] dimensions) => "[" + string.Join(", ", dimensions) + "]";

        private static InvalidDataException Error(string name, string problem, string expected, string actual) =>
            new InvalidDataException($"{Prefix(name)} {problem}: expected {expected}, got {actual}.");
    }
}
