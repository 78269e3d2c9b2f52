using System;
using System.IO;
using Stn.Datasets.Mnist;

namespace Stn.Datasets
{
    /// <summary>
    /// Finds the repository root and the MNIST folders the samples, benchmarks and tests read:
    /// <list type="bullet">
    /// <item>the shipped subset, <c>&lt;root&gt;/samples/data/mnist-subset</c> (6,000 training and 1,000 test
    /// images);</item>
    /// <item>the full MNIST on team machines, <c>&lt;root&gt;/../shared/data/mnist</c>. A git worktree may sit deeper
    /// than the main checkout (e.g. <c>/work/wt/x</c> beside <c>/work/shared</c>), so every ancestor's
    /// <c>shared/data/mnist</c> is tried, nearest first; the environment variable <c>STN_MNIST_DIR</c> overrides the
    /// search.</item>
    /// </list>
    /// </summary>
    public static class RepositoryPaths
    {
        /// <summary>The file that marks the repository root.</summary>
        public const string SolutionFileName = "Stn.MLNet.sln";

        /// <summary>
        /// Environment variable naming a folder with the full MNIST; checked before the shared folder.
        /// </summary>
        public const string MnistDirectoryVariable = "STN_MNIST_DIR";

        /// <summary>The shipped subset's folder, relative to the root.</summary>
        public static readonly string MnistSubsetRelative = Path.Combine("samples", "data", "mnist-subset");

        /// <summary>
        /// The repository root: the nearest folder at or above <paramref name="startDirectory"/> (default: the
        /// application's base directory, then the current directory) holding <see cref="SolutionFileName"/>.
        /// </summary>
        public static string FindRoot(string startDirectory = null)
        {
            if (TryFindRoot(startDirectory, out string root)) return root;
            string start = startDirectory ?? $"{AppContext.BaseDirectory}' or '{Directory.GetCurrentDirectory()}";
            throw new DirectoryNotFoundException(
                $"Cannot find the repository root: expected a folder holding '{SolutionFileName}' at or " +
                $"above '{start}', found none.");
        }

        /// <summary>As <see cref="FindRoot"/>, returning false instead of throwing.</summary>
        public static bool TryFindRoot(string startDirectory, out string root)
        {
            foreach (string start in startDirectory is null
                ? new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() }
                : new[] { startDirectory })
            {
                for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir != null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
                    {
                        root = dir.FullName;
                        return true;
                    }
                }
            }
            root = null;
            return false;
        }

        /// <summary>The shipped MNIST subset folder, <c>&lt;root&gt;/samples/data/mnist-subset</c>.</summary>
        public static string MnistSubset(string root = null) => Path.Combine(root ?? FindRoot(), MnistSubsetRelative);

        /// <summary>
        /// The full MNIST folder: <c>STN_MNIST_DIR</c> if set, else the nearest <c>shared/data/mnist</c> beside the
        /// root or one of its ancestors. Throws <see cref="DirectoryNotFoundException"/> listing what was tried.
        /// </summary>
        public static string FullMnist(string root = null)
        {
            if (TryFindFullMnist(root, out string folder)) return folder;
            throw new DirectoryNotFoundException(
                $"Cannot find the full MNIST: expected '{MnistDirectoryVariable}' or a " +
                "'shared/data/mnist' folder with " +
                $"'{MnistFiles.TrainImages}[.gz]' beside '{root ?? FindRoot()}' or an ancestor, found none. " +
                "Download it with MnistDownloader, or use the shipped subset (RepositoryPaths.MnistSubset).");
        }

        /// <summary>As <see cref="FullMnist"/>, returning false instead of throwing.</summary>
        public static bool TryFindFullMnist(string root, out string folder)
        {
            string fromEnvironment = Environment.GetEnvironmentVariable(MnistDirectoryVariable);
            if (!string.IsNullOrEmpty(fromEnvironment) && HoldsMnist(fromEnvironment))
            {
                folder = Path.GetFullPath(fromEnvironment);
                return true;
            }
            if (root is null && !TryFindRoot(null, out root))
            {
                folder = null;
                return false;
            }
            for (var dir = new DirectoryInfo(root).Parent; dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data", "mnist");
                if (HoldsMnist(candidate))
                {
                    folder = candidate;
                    return true;
                }
            }
            folder = null;
            return false;
        }

        private static bool HoldsMnist(string folder) =>
            File.Exists(Path.Combine(folder, MnistFiles.TrainImages)) ||
            File.Exists(Path.Combine(folder, MnistFiles.TrainImages + MnistFiles.GzipSuffix));
    }
}
