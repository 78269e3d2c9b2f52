using System;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Training;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>The row store gives back exactly the rows written, wherever it keeps them, and leaves no file behind.</summary>
    public sealed class RowStoreTests : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("stn-rowstore-").FullName;

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private static float[] Row(int index, int size)
        {
            var random = new Random(index);
            return Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        }

        [Theory]
        [InlineData(0L)]            // every row on disk
        [InlineData(37 * 4 * 10L)]  // ten rows in memory, the rest on disk
        [InlineData(long.MaxValue)] // every row in memory
        public void RowsComeBackExactlyInASeededShuffledOrder(long budget)
        {
            const int size = 37, rows = 100;
            using var store = new RowStore(size, budget, _directory);
            for (int i = 0; i < rows; i++) store.Add(Row(i, size));
            store.Seal();
            Assert.Equal(Math.Min(rows, budget / (4 * size)), store.MemoryRows);
            Assert.Equal(rows - store.MemoryRows, store.FileRows);
            Assert.Equal(store.FileRows > 0 ? 1 : 0, OpenFiles.In(_directory));

            var order = Enumerable.Range(0, rows).ToArray();
            new Random(5).Shuffle(order);
            var buffer = new float[size];
            foreach (int i in order)
            {
                store.CopyRow(i, buffer);
                Assert.Equal(Row(i, size), buffer);
            }
            store.Dispose();
            Assert.Empty(Directory.GetFiles(_directory));
            Assert.Equal(0, OpenFiles.In(_directory));
        }

        [Fact]
        public void BlocksStaySmallForLargeSets()
        {
            // 1,000 rows of 3x128x128 would be one 196 MB array before; blocks are a few MB each.
            using var store = new RowStore(3 * 128 * 128, long.MaxValue, _directory);
            var row = new float[3 * 128 * 128];
            for (int i = 0; i < 100; i++) { row[0] = i; store.Add(row); }
            store.Seal();
            Assert.Equal(100, store.MemoryRows);
            Assert.InRange(store.LargestBlockBytes, 4L * 3 * 128 * 128, 8 << 20);
            store.CopyRow(57, row);
            Assert.Equal(57f, row[0]);
        }

        [Fact]
        public void ReadingBeforeSealingOrPastTheEndIsRefused()
        {
            using var store = new RowStore(4, 0, _directory);
            store.Add(new float[4]);
            Assert.Throws<InvalidOperationException>(() => store.CopyRow(0, new float[4]));
            store.Seal();
            Assert.Throws<ArgumentOutOfRangeException>(() => store.CopyRow(1, new float[4]));
            Assert.Throws<InvalidOperationException>(() => store.Add(new float[4]));
        }
    }
}
