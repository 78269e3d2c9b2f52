using System;
using System.IO;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests
{
    public class RepositoryPathsTests
    {
        [Fact]
        public void FindRoot_FromTheTestBinaries_FindsTheSolution()
        {
            string root = RepositoryPaths.FindRoot();
            Assert.True(File.Exists(Path.Combine(root, RepositoryPaths.SolutionFileName)));
            Assert.True(Directory.Exists(RepositoryPaths.MnistSubset(root)));
        }

        [Fact]
        public void FindRoot_OutsideARepository_NamesTheStart()
        {
            using var folder = new TempFolder();
            Assert.False(RepositoryPaths.TryFindRoot(folder.Path, out _));
            var e = Assert.Throws<DirectoryNotFoundException>(() => RepositoryPaths.FindRoot(folder.Path));
            Assert.Contains(folder.Path, e.Message);
            Assert.Contains(RepositoryPaths.SolutionFileName, e.Message);
        }

        [Fact]
        public void FullMnist_IsFoundBesideAnAncestorOfTheRoot()
        {
            // the override wins
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RepositoryPaths.MnistDirectoryVariable)))
                return;
            using var folder = new TempFolder();
            // <tmp>/shared/data/mnist beside <tmp>/wt, the root being <tmp>/wt/checkout (a worktree one level deeper).
            string shared = Path.Combine(folder.Path, "shared", "data", "mnist");
            string root = Path.Combine(folder.Path, "wt", "checkout");
            Directory.CreateDirectory(root);
            Assert.False(RepositoryPaths.TryFindFullMnist(root, out _));
            Directory.CreateDirectory(shared);
            File.WriteAllBytes(Path.Combine(shared, "train-images-idx3-ubyte.gz"), new byte[1]);
            Assert.True(RepositoryPaths.TryFindFullMnist(root, out string found));
            Assert.Equal(shared, found);
        }
    }
}
