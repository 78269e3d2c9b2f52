using System;
using System.IO;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Where Fit keeps the rows it reads: up to <see cref="MemoryBudgetBytes"/> in memory, the rest in a temporary file
    /// in <see cref="Directory"/>.
    /// </summary>
    internal sealed record TrainingDataStorage(long MemoryBudgetBytes, string Directory)
    {
        /// <summary>
        /// The options' values, with null meaning a quarter of the memory available to the process and the system's
        /// temporary folder.
        /// </summary>
        public static TrainingDataStorage From(long? memoryBudgetBytes, string directory) =>
            new TrainingDataStorage(memoryBudgetBytes ?? DefaultBudget(),
                string.IsNullOrEmpty(directory) ? Path.GetTempPath() : directory);

        /// <summary>Everything in memory: for callers (tests, tools) that never want a file.</summary>
        public static TrainingDataStorage InMemory { get; } = new TrainingDataStorage(long.MaxValue, null);

        // TotalAvailableMemoryBytes is the physical memory or the container's limit, whichever the GC obeys.
        private static long DefaultBudget() => Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
    }
}
