using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Fixed-size float32 rows appended once and then read by index from any thread, in memory up to a budget and
    /// beyond it in a temporary file (<see cref="RowSegments"/>). Rows whose values are all whole numbers 0-255
    /// (ImageAnalytics' ExtractPixels without scaling) are kept as bytes, a quarter of the memory and disk, and come
    /// back as exactly the same floats; the first row that is not is kept as float32, and so are the rows before it
    /// (copied once), so every row reads back bit for bit as written whatever the encoding.
    /// </summary>
    internal sealed class RowStore : IDisposable
    {
        private readonly long _memoryBudgetBytes;
        private readonly string _directory;
        private RowSegments _rows;
        private bool _sealed;

        /// <param name="rowSize">Values per row.</param>
        /// <param name="memoryBudgetBytes">Bytes of rows held in memory; rows past it go to the file (0: all on
        /// disk).</param>
        /// <param name="directory">Where the temporary file is created.</param>
        public RowStore(int rowSize, long memoryBudgetBytes, string directory)
        {
            if (rowSize <= 0) throw new ArgumentOutOfRangeException(nameof(rowSize), rowSize, "must be positive");
            _memoryBudgetBytes = memoryBudgetBytes;
            _directory = directory;
            _rows = new RowSegments(rowSize, 1, memoryBudgetBytes, directory);
        }

        public int RowSize => _rows.RowSize;
        public long Count => MemoryRows + FileRows;
        public long MemoryRows => _rows.MemoryRows;
        public long FileRows => _rows.FileRows;
        public long MemoryBytes => MemoryRows * _rows.RowBytes;
        public long FileBytes => FileRows * _rows.RowBytes;
        /// <summary>1 when every row is held as bytes, 4 as float32.</summary>
        public int BytesPerValue => _rows.BytesPerValue;
        /// <summary>The size of the largest memory block in bytes (0 when none).</summary>
        public long LargestBlockBytes => _rows.LargestBlockBytes;
        /// <summary>The temporary file's path, or null when every row is in memory.</summary>
        public string FilePath => _rows.FilePath;

        /// <summary>Appends a row (before <see cref="Seal"/>).</summary>
        public void Add(ReadOnlySpan<float> row)
        {
            if (row.Length != RowSize)
                throw new ArgumentException($"expected {RowSize} values; got {row.Length}.", nameof(row));
            if (_sealed) throw new InvalidOperationException("The store is sealed; rows can no longer be added.");
            if (_rows.BytesPerValue == 1 && !RowSegments.FitsInBytes(row)) WidenToFloat();
            _rows.Add(row);
        }

        // Copies the rows so far into float32 segments; from here on every row is kept as float32.
        private void WidenToFloat()
        {
            var wide = new RowSegments(RowSize, 4, _memoryBudgetBytes, _directory);
            try
            {
                _rows.Flush();
                var buffer = new float[RowSize];
                for (long i = 0; i < Count; i++)
                {
                    _rows.CopyRow(i, buffer);
                    wide.Add(buffer);
                }
            }
            catch
            {
                wide.Dispose();
                throw;
            }
            _rows.Dispose();
            _rows = wide;
        }

        /// <summary>Ends writing: flushes the file so positioned reads see every row.</summary>
        public void Seal()
        {
            _rows.Flush();
            _sealed = true;
        }

        /// <summary>
        /// Copies row <paramref name="index"/> to <paramref name="destination"/>; thread-safe once sealed.
        /// </summary>
        public void CopyRow(long index, Span<float> destination)
        {
            if (!_sealed) throw new InvalidOperationException("Seal the store before reading from it.");
            if ((ulong)index >= (ulong)Count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"the store has {Count} rows");
            _rows.CopyRow(index, destination.Slice(0, RowSize));
        }

        public void Dispose() => _rows.Dispose();
    }
}
