using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Infrastructure
{
    /// <summary>
    /// Tests that measure the whole process (resident memory, the live native tensor count) run alone, after the
    /// parallel ones: other tests allocating at the same time would otherwise be counted as theirs. So do tests that
    /// seed torch's process-wide generator and compare what it draws.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SerialCollection
    {
        public const string Name = "Process-wide measurements";
    }
}
