using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Fixed-size float32 rows appended once and then read by index from any thread: the first rows in native blocks of a
    /// few MB up to a memory budget, the rest in a temporary file. On Linux and macOS the file's name is removed as soon as
    /// it is open (the open handle keeps the data), so even a process killed mid-Fit (e.g. by the out-of-memory killer)
    /// leaves no gigabytes behind in the temporary folder; on Windows FileOptions.DeleteOnClose deletes it at close. Blocks instead of one growing array: no doubling copy while reading
    /// and no array past .NET's size limit, so the data can be larger than memory. Native, not managed: gigabytes of live
    /// managed blocks make the GC let garbage grow in proportion (a source that allocates per row then pushed the peak
    /// far past the budget), while native blocks leave the managed heap small and collected often.
    /// </summary>
    internal sealed unsafe class RowStore : IDisposable
    {
        // Rows per block are chosen so a block holds about this many bytes (at least one row).
        private const int BlockBytes = 4 << 20;
        // Writes go through a buffer of this size; reads of disk rows are positioned reads (pread), safe across threads.
        private const int FileBufferBytes = 1 << 20;

        private readonly List<IntPtr> _blocks = new List<IntPtr>();
        private readonly List<long> _blockValues = new List<long>();
        private readonly int _rowsPerBlock;
        private readonly long _memoryRowLimit;
        private readonly string _directory;
        private FileStream _file;
        private long _fileRows;
        private bool _sealed;

        /// <param name="rowSize">Values per row.</param>
        /// <param name="memoryBudgetBytes">Bytes of rows held in memory; rows past it go to the file (0: all on disk).</param>
        /// <param name="directory">Where the temporary file is created.</param>
        public RowStore(int rowSize, long memoryBudgetBytes, string directory)
        {
            if (rowSize <= 0) throw new ArgumentOutOfRangeException(nameof(rowSize), rowSize, "must be positive");
            RowSize = rowSize;
            _rowsPerBlock = (int)Math.Clamp(BlockBytes / (4L * rowSize), 1, Array.MaxLength / rowSize);
            _memoryRowLimit = Math.Max(0, memoryBudgetBytes) / (4L * rowSize);
            _directory = directory;
        }

        public int RowSize { get; }
        public long Count => MemoryRows + _fileRows;
        public long MemoryRows { get; private set; }
        public long FileRows => _fileRows;
        public long MemoryBytes => MemoryRows * 4L * RowSize;
        public long FileBytes => _fileRows * 4L * RowSize;
        /// <summary>The size of the largest memory block in bytes (0 when none).</summary>
        public long LargestBlockBytes => _blockValues.Count == 0 ? 0 : System.Linq.Enumerable.Max(_blockValues) * sizeof(float);
        /// <summary>The temporary file's path, or null when every row is in memory.</summary>
        public string FilePath => _file?.Name;

        /// <summary>Appends a row (before <see cref="Seal"/>).</summary>
        public void Add(ReadOnlySpan<float> row)
        {
            if (row.Length != RowSize) throw new ArgumentException($"expected {RowSize} values; got {row.Length}.", nameof(row));
            if (_sealed) throw new InvalidOperationException("The store is sealed; rows can no longer be added.");
            if (MemoryRows < _memoryRowLimit)
            {
                int inBlock = (int)(MemoryRows % _rowsPerBlock);
                if (inBlock == 0)
                {
                    long values = Math.Min(_rowsPerBlock, _memoryRowLimit - MemoryRows) * (long)RowSize;
                    _blocks.Add((IntPtr)NativeMemory.Alloc((nuint)(values * sizeof(float))));
                    GC.AddMemoryPressure(values * sizeof(float));
                    _blockValues.Add(values);
                }
                row.CopyTo(Block(_blocks.Count - 1).Slice(inBlock * RowSize, RowSize));
                MemoryRows++;
                return;
            }
            _file ??= CreateFile();
            _file.Write(MemoryMarshal.AsBytes(row));
            _fileRows++;
        }

        /// <summary>Ends writing: flushes the file so positioned reads see every row.</summary>
        public void Seal()
        {
            _file?.Flush();
            _sealed = true;
        }

        /// <summary>Copies row <paramref name="index"/> to <paramref name="destination"/>; thread-safe once sealed.</summary>
        public void CopyRow(long index, Span<float> destination)
        {
            if (!_sealed) throw new InvalidOperationException("Seal the store before reading from it.");
            if ((ulong)index >= (ulong)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the store has {Count} rows");
            destination = destination.Slice(0, RowSize);
            if (index < MemoryRows)
            {
                Block((int)(index / _rowsPerBlock)).Slice((int)(index % _rowsPerBlock) * RowSize, RowSize).CopyTo(destination);
                return;
            }
            var bytes = MemoryMarshal.AsBytes(destination);
            long offset = (index - MemoryRows) * 4L * RowSize;
            var file = _file ?? throw new ObjectDisposedException(nameof(RowStore));
            while (bytes.Length > 0)
            {
                int read = RandomAccess.Read(file.SafeFileHandle, bytes, offset);
                if (read <= 0) throw new EndOfStreamException($"The temporary training data file '{file.Name}' ended before row {index}.");
                bytes = bytes.Slice(read);
                offset += read;
            }
        }

        private FileStream CreateFile()
        {
            string path = Path.Combine(_directory ?? Path.GetTempPath(), $"stn-training-{Guid.NewGuid():N}.f32");
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileBufferBytes,
                FileOptions.DeleteOnClose | FileOptions.RandomAccess);
            // POSIX keeps an unlinked file's data until its last handle closes; Windows refuses to delete an open file.
            if (!OperatingSystem.IsWindows()) File.Delete(path);
            return file;
        }

        private Span<float> Block(int i) => new Span<float>((void*)_blocks[i], (int)_blockValues[i]);

        private void FreeBlocks()
        {
            for (int i = 0; i < _blocks.Count; i++)
            {
                NativeMemory.Free((void*)_blocks[i]);
                GC.RemoveMemoryPressure(_blockValues[i] * sizeof(float));
            }
            _blocks.Clear();
            _blockValues.Clear();
        }

        // A store that was never disposed still gives its blocks back.
        ~RowStore() => FreeBlocks();

        public void Dispose()
        {
            FreeBlocks();
            GC.SuppressFinalize(this);
            var file = _file;
            _file = null;
            if (file is null) return;
            string path = file.Name;
            file.Dispose();
            // Make sure the file is gone even if DeleteOnClose did not happen.
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
