using System;
using System.IO;

namespace Microsoft.ML
{
    /// <summary>Saving that never leaves a half-written model behind.</summary>
    public static class ModelSavingCatalog
    {
        /// <summary>
        /// As <c>mlContext.Model.Save(model, inputSchema, filePath)</c>, but written to a temporary file beside
        /// <paramref name="filePath"/> and moved over it only when complete: if saving fails midway, or the process is
        /// killed, an existing file at <paramref name="filePath"/> is left as it was. Temporary files that killed saves
        /// of the same target left behind are deleted by the next save; those of saves still running are left alone.
        /// </summary>
        public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model,
            DataViewSchema inputSchema, string filePath)
        {
            if (catalog is null) throw new ArgumentNullException(nameof(catalog));
            if (string.IsNullOrWhiteSpace(filePath))
                throw new ArgumentException("filePath must name a file.", nameof(filePath));
            string full = Path.GetFullPath(filePath);
            string directory = Path.GetDirectoryName(full)!;
            string pattern = $".{Path.GetFileName(full)}.*.tmp";
            DeleteAbandoned(directory, pattern);
            string temp = Path.Combine(directory, pattern.Replace("*", Guid.NewGuid().ToString("N")));
            try
            {
                // Held open until moved: FileShare.Delete lets this process rename it, and the open handle (a shared
                // advisory lock on Unix, a sharing mode on Windows) tells other savers the file is not abandoned.
                using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete);
                catalog.Save(model, inputSchema, stream);
                // Flushed to the OS, not forced to disk: this guards against a failed or killed save, not against power
                // loss (fsync would make every save wait for the disk).
                stream.Flush();
                File.Move(temp, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        // A temporary file nobody holds open belongs to a save that was killed: its exclusive open succeeds.
        private static void DeleteAbandoned(string directory, string pattern)
        {
            foreach (string stale in Directory.EnumerateFiles(directory, pattern))
            {
                try
                {
                    using (new FileStream(stale, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                    File.Delete(stale);
                }
                catch (IOException) { } // in use by a save still running (or already gone)
                catch (UnauthorizedAccessException) { }
            }
        }
    }
}
