using System;
using System.IO;

namespace Stn.Datasets.IO
{
    /// <summary>
    /// Writes a file so that readers see either the old file or the complete new one, never a partial write:
    /// the content goes to a temporary file beside the target (same folder, so the final move is a rename on one
    /// volume), then replaces the target.
    /// </summary>
    public static class AtomicFile
    {
        /// <summary>The suffix of temporary files (ignored by the repository's .gitignore).</summary>
        public const string TemporarySuffix = ".stn-tmp";

        /// <summary>
        /// Calls <paramref name="write"/> on a temporary file beside <paramref name="path"/>, then moves it over
        /// <paramref name="path"/>.
        /// </summary>
        public static void Write(string path, Action<Stream> write)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (write is null) throw new ArgumentNullException(nameof(write));
            string full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full));
            string temporary = TemporaryPath(full);
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
                File.Move(temporary, full, overwrite: true);
            }
            finally
            {
                // Reached with the temporary file still present only when writing or moving failed.
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }

        /// <summary>Writes all of <paramref name="bytes"/> atomically.</summary>
        public static void WriteAllBytes(string path, byte[] bytes)
            => Write(path, s => s.Write(bytes, 0, bytes.Length));

        /// <summary>Writes <paramref name="text"/> (UTF-8, no byte-order mark) atomically.</summary>
        public static void WriteAllText(string path, string text) =>
            WriteAllBytes(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));

        /// <summary>
        /// A fresh temporary name beside <paramref name="fullPath"/>; unique so concurrent writers never share one.
        /// </summary>
        internal static string TemporaryPath(string fullPath) =>
            fullPath + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + TemporarySuffix;
    }
}
