using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Stn.Datasets.IO
{
    /// <summary>
    /// SHA-256 of files, and the <c>sha256sum</c> text format ("&lt;64 hex digits&gt;  &lt;name&gt;" per line).
    /// </summary>
    public static class Sha256Sums
    {
        /// <summary>The conventional file name.</summary>
        public const string FileName = "SHA256SUMS";

        /// <summary>The lower-case hex SHA-256 of the file at <paramref name="path"/>.</summary>
        public static string OfFile(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return OfStream(stream);
        }

        /// <summary>The lower-case hex SHA-256 of the rest of <paramref name="stream"/>.</summary>
        public static string OfStream(Stream stream)
        {
            using var sha = SHA256.Create();
            return Convert.ToHexString(sha.ComputeHash(stream)).ToLowerInvariant();
        }

        /// <summary>The lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
        public static string OfBytes(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

        /// <summary>
        /// Parses sha256sum text: file name -> lower-case hash. <paramref name="source"/> names the text in errors.
        /// </summary>
        public static IReadOnlyDictionary<string, string> Parse(string text, string source)
        {
            var sums = new Dictionary<string, string>(StringComparer.Ordinal);
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r');
                if (line.Trim().Length == 0) continue;
                // "<hash>  <name>" (text mode) or "<hash> *<name>" (binary mode).
                int space = line.IndexOf(' ');
                string hash = space < 0 ? line : line.Substring(0, space);
                string name = space < 0 ? "" : line.Substring(space + 1).TrimStart(' ', '*');
                if (hash.Length != 64 || !hash.All(Uri.IsHexDigit) || name.Length == 0)
                    throw new InvalidDataException(
                        $"Checksum file '{source}' line {i + 1}: expected '<64 hex digits>  " +
                        $"<file name>', got '{line}'.");
                sums[name] = hash.ToLowerInvariant();
            }
            return sums;
        }

        /// <summary>Reads and parses a sha256sum file.</summary>
        public static IReadOnlyDictionary<string, string> Read(string path) => Parse(File.ReadAllText(path), path);

        /// <summary>
        /// Formats <paramref name="sums"/> as sha256sum text, sorted by file name (ordinal), LF line ends.
        /// </summary>
        public static string Format(IEnumerable<KeyValuePair<string, string>> sums)
        {
            var text = new StringBuilder();
            foreach (var pair in sums.OrderBy(p => p.Key, StringComparer.Ordinal))
                text.Append(pair.Value).Append("  ").Append(pair.Key).Append('\n');
            return text.ToString();
        }

        /// <summary>
        /// Hashes <paramref name="fileNames"/> in <paramref name="folder"/> and writes their SHA256SUMS there
        /// (atomically).
        /// </summary>
        public static void Write(string folder, IEnumerable<string> fileNames)
        {
            var sums = fileNames.ToDictionary(n => n, n => OfFile(Path.Combine(folder, n)), StringComparer.Ordinal);
            AtomicFile.WriteAllText(Path.Combine(folder, FileName), Format(sums));
        }
    }
}
