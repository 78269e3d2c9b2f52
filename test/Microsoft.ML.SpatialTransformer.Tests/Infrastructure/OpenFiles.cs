using System;
using System.IO;

namespace Microsoft.ML.SpatialTransformer.Tests.Infrastructure
{
    /// <summary>Files this process holds open, whether or not they still have a name.</summary>
    internal static class OpenFiles
    {
        /// <summary>
        /// This process's open files inside <paramref name="directory"/>, named or unlinked (Linux: /proc/self/fd).
        /// </summary>
        public static int In(string directory)
        {
            if (!OperatingSystem.IsLinux()) return Directory.GetFiles(directory).Length;
            int count = 0;
            foreach (var fd in Directory.GetFiles("/proc/self/fd"))
            {
                string target;
                try { target = new FileInfo(fd).LinkTarget; }
                catch (IOException) { continue; } // closed while we looked
                if (target is not null
                    && target.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    count++;
            }
            return count;
        }
    }
}
