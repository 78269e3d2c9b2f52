using System;
using Xunit;

namespace Stn.Datasets.Tests.Infrastructure
{
    /// <summary>
    /// A fact that runs only on machines with the full MNIST beside the repository (RepositoryPaths.FullMnist); skipped
    /// elsewhere.
    /// </summary>
    public sealed class FullMnistFactAttribute : FactAttribute
    {
        public FullMnistFactAttribute()
        {
            if (!RepositoryPaths.TryFindFullMnist(null, out _))
                Skip = "The full MNIST (../shared/data/mnist or STN_MNIST_DIR) is not on this machine.";
        }
    }

    /// <summary>A fact that is a tool, not a test: runs only when the environment variable is "1".</summary>
    public sealed class ToolFactAttribute : FactAttribute
    {
        public ToolFactAttribute(string variable)
        {
            if (Environment.GetEnvironmentVariable(variable) != "1")
                Skip = $"A tool: set {variable}=1 to run it.";
        }
    }
}
