using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Stn.Datasets.IO;

namespace Stn.Datasets.Download
{
    /// <summary>
    /// What a downloaded file must hash to: the SHA-256 of its bytes, or, when <see cref="ContentSha256"/> is given, of
    /// its gzip-decompressed content. The second form exists because mirrors recompress: the same MNIST content comes
    /// in .gz files with different bytes, and the content is what a reader sees.
    /// </summary>
    public sealed class ExpectedChecksum
    {
        /// <summary>
        /// Expects <paramref name="fileSha256"/> for the file's bytes, or <paramref name="contentSha256"/> for its
        /// gunzipped content.
        /// </summary>
        public ExpectedChecksum(string fileSha256, string contentSha256 = null)
        {
            FileSha256 = CheckHex(fileSha256, nameof(fileSha256));
            ContentSha256 = contentSha256 is null ? null : CheckHex(contentSha256, nameof(contentSha256));
        }

        /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
        public string FileSha256 { get; }

        /// <summary>
        /// Lower-case hex SHA-256 of the gzip-decompressed content, or null to accept only <see cref="FileSha256"/>.
        /// </summary>
        public string ContentSha256 { get; }

        /// <summary>
        /// Whether the file at <paramref name="path"/> matches; <paramref name="actual"/> describes what it hashed to.
        /// </summary>
        public bool Matches(string path, out string actual)
        {
            string fileHash = Sha256Sums.OfFile(path);
            actual = fileHash;
            if (fileHash == FileSha256) return true;
            if (ContentSha256 is null) return false;
            string contentHash = ContentHash(path);
            actual = $"{fileHash} (content {contentHash})";
            return contentHash == ContentSha256;
        }

        /// <summary>The expected value as text, for error messages.</summary>
        public override string ToString()
            => ContentSha256 is null ? FileSha256 : $"{FileSha256} (or content {ContentSha256} after gunzip)";

        private static string ContentHash(string path)
        {
            try
            {
                using var file = File.OpenRead(path);
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                return Sha256Sums.OfStream(gzip);
            }
            catch (InvalidDataException)
            {
                return "none: not a valid gzip file";
            }
        }

        private static string CheckHex(string hash, string paramName)
        {
            if (hash is null) throw new ArgumentNullException(paramName);
            if (hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                throw new ArgumentException($"{paramName} must be 64 hex digits; got '{hash}'.", paramName);
            return hash.ToLowerInvariant();
        }
    }
}
