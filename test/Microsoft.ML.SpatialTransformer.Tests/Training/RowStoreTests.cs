using System;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Training;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>
    /// The row store gives back exactly the rows written, wherever it keeps them, and leaves no file behind.
    /// </summary>
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

        private static float[] ByteRow(int index, int size)
        {
            var random = new Random(index);
            return Enumerable.Range(0, size).Select(_ => (float)random.Next(256)).ToArray();
        }

        [Theory]
        [InlineData(0L)]            // every row on disk
        [InlineData(37 * 10L)]      // ten rows of bytes in memory, the rest on disk
        [InlineData(long.MaxValue)] // every row in memory
        public void WholeNumberRowsTakeOneBytePerValueAndComeBackExactly(long budget)
        {
            const int size = 37, rows = 100;
            using var store = new RowStore(size, budget, _directory);
            for (int i = 0; i < rows; i++) store.Add(ByteRow(i, size));
            store.Seal();
            Assert.Equal(1, store.BytesPerValue);
            Assert.Equal(Math.Min(rows, budget / size), store.MemoryRows);
            Assert.Equal(store.MemoryRows * size, store.MemoryBytes);
            Assert.Equal(store.FileRows * size, store.FileBytes);
            var buffer = new float[size];
            for (int i = rows - 1; i >= 0; i--)
            {
                store.CopyRow(i, buffer);
                Assert.Equal(ByteRow(i, size), buffer);
            }
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(37 * 4 * 10L)]
        [InlineData(long.MaxValue)]
        public void ARowThatIsNotBytesTurnsEveryRowIntoFloat32Exactly(long budget)
        {
            const int size = 37, rows = 100;
            using var store = new RowStore(size, budget, _directory);
            float[] Expected(int i) => i == 60 ? Row(i, size) : ByteRow(i, size);
            for (int i = 0; i < rows; i++) store.Add(Expected(i));
            store.Seal();
            Assert.Equal(4, store.BytesPerValue);
            Assert.Equal(Math.Min(rows, budget / (4 * size)), store.MemoryRows);
            Assert.Equal(store.FileRows > 0 ? 1 : 0, OpenFiles.In(_directory)); // the byte rows' file is gone
            var buffer = new float[size];
            for (int i = 0; i < rows; i++)
            {
                store.CopyRow(i, buffer);
                Assert.Equal(Expected(i), buffer);
            }
        }

        [Theory]
        [InlineData(-0f)]
        [InlineData(-1f)]
        [InlineData(0.5f)]
        [InlineData(255.5f)]
        [InlineData(256f)]
        [InlineData(float.NaN)]
        [InlineData(float.Epsilon)]
        public void OnlyWholeNumbersFrom0To255AreKeptAsBytes(float value)
        {
            using var store = new RowStore(3, long.MaxValue, _directory);
            store.Add(new[] { 0f, 1f, 255f });
            Assert.Equal(1, store.BytesPerValue);
            store.Add(new[] { 7f, value, 9f });
            store.Seal();
            Assert.Equal(4, store.BytesPerValue);
            var buffer = new float[3];
            store.CopyRow(1, buffer);
            Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(buffer[1]));
            store.CopyRow(0, buffer);
            Assert.Equal(new[] { 0f, 1f, 255f }, buffer);
        }

        [Theory]
        [InlineData(long.MaxValue)]          // many memory blocks
        [InlineData(3L * 128 * 128 * 100)]   // 100 rows of bytes in memory (two blocks), the rest on disk
        public void LargeByteRowsComeBackExactlyAcrossBlocks(long budget)
        {
            const int size = 3 * 128 * 128, rows = 260;
            using var store = new RowStore(size, budget, _directory);
            for (int i = 0; i < rows; i++) store.Add(ByteRow(i, size));
            store.Seal();
            Assert.Equal(1, store.BytesPerValue);
            var buffer = new float[size];
            foreach (int i in new[] { 0, 84, 85, 86, 99, 100, 101, 170, 259 })
            {
                store.CopyRow(i, buffer);
                Assert.Equal(ByteRow(i, size), buffer);
            }
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
