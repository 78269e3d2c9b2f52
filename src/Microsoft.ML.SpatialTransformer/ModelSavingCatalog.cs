using System;
using System.IO;

namespace Microsoft.ML
{
    /// <summary>Saving that never leaves a half-written model behind.</summary>
    public static class ModelSavingCatalog
    {
        /// <summary>
        /// As <c>mlContext.Model.Save(model, inputSchema, filePath)</c>, but written to a temporary file beside
        /// <paramref name="filePath"/> and moved over it only when complete: if saving fails midway, an existing file at
        /// <paramref name="filePath"/> is left as it was and no partial file remains.
        /// </summary>
        public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
        {
            if (catalog is null) throw new ArgumentNullException(nameof(catalog));
            if (string.IsNullOrWhiteSpace(filePath)) throw new ArgumentException("filePath must name a file.", nameof(filePath));
            string full = Path.GetFullPath(filePath);
            string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            try
            {
                catalog.Save(model, inputSchema, temp);
                File.Move(temp, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
    }
}
