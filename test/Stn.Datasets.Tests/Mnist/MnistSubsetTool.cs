using Stn.Datasets.Mnist;
using Stn.Datasets.Tests.Infrastructure;

namespace Stn.Datasets.Tests.Mnist
{
    /// <summary>
    /// Regenerates the shipped subset (samples/data/mnist-subset) from the full MNIST. From the repository root:
    /// <c>STN_WRITE_MNIST_SUBSET=1 dotnet test test/Stn.Datasets.Tests --filter
    /// "FullyQualifiedName~MnistSubsetTool"</c>.
    /// </summary>
    public class MnistSubsetTool
    {
        [ToolFact("STN_WRITE_MNIST_SUBSET")]
        public void WriteShippedSubset()
            => MnistSubset.Write(RepositoryPaths.FullMnist(), RepositoryPaths.MnistSubset());
    }
}
