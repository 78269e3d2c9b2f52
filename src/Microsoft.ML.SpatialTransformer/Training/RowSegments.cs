using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Fixed-size rows of one encoding, float32 or bytes (whole numbers 0-255, widened back to float32 exactly on
    /// read): the first rows in native blocks of a few MB up to a memory budget, the rest in a temporary file. Blocks
    /// instead of one growing array: no doubling copy while reading and no array past .NET's size limit. Native, not
    /// managed: gigabytes of live managed blocks make the GC let garbage grow in proportion, while native blocks leave
    /// the managed heap small. On Linux and macOS the file's name is removed as soon as it is open (the open handle
    /// keeps the data), so even a process killed mid-Fit leaves nothing behind; on Windows FileOptions.DeleteOnClose
    /// deletes it at close.
    /// </summary>
    internal sealed unsafe class RowSegments : IDisposable
    {
        // Rows per block are chosen so a block holds about this many bytes (at least one row).
        private const int BlockBytes = 4 << 20;
        // Writes go through a buffer of this size; reads of disk rows are positioned reads (pread), safe across
        // threads.
        private const int FileBufferBytes = 1 << 20;

        private readonly List<IntPtr> _blocks = new List<IntPtr>();
        private readonly List<long> _blockBytes = new List<long>();
        private readonly int _rowsPerBlock;
        private readonly long _memoryRowLimit;
        private readonly string _directory;
        private readonly byte[] _encoded;
        private FileStream _file;

        /// <param name="rowSize">Values per row.</param>
        /// <param name="bytesPerValue">4: float32; 1: bytes (every row added must be whole numbers 0-255).</param>
        /// <param name="memoryBudgetBytes">Bytes of rows held in memory; rows past it go to the file (0: all on
        /// disk).</param>
        /// <param name="directory">Where the temporary file is created (null: the system's temporary folder).</param>
        public RowSegments(int rowSize, int bytesPerValue, long memoryBudgetBytes, string directory)
        {
            RowSize = rowSize;
            BytesPerValue = bytesPerValue;
            RowBytes = (long)bytesPerValue * rowSize;
            _rowsPerBlock = (int)Math.Clamp(BlockBytes / RowBytes, 1, Array.MaxLength / RowBytes);
            _memoryRowLimit = Math.Max(0, memoryBudgetBytes) / RowBytes;
            _directory = directory;
            _encoded = bytesPerValue == 1 ? new byte[rowSize] : null;
        }

        public int RowSize { get; }
        public int BytesPerValue { get; }
        public long RowBytes { get; }
        public long MemoryRows { get; private set; }
        public long FileRows { get; private set; }
        public long LargestBlockBytes => _blockBytes.Count == 0 ? 0 : System.Linq.Enumerable.Max(_blockBytes);
        public string FilePath => _file?.Name;

        /// <summary>
        /// True when every value is a whole number 0-255 (not -0, not NaN), so bytes hold the row exactly.
        /// </summary>
        public static bool FitsInBytes(ReadOnlySpan<float> row)
        {
            foreach (float v in row)
                if (BitConverter.SingleToInt32Bits(v) < 0 || !(v <= 255f) || v != MathF.Truncate(v)) return false;
            return true;
        }

        public void Add(ReadOnlySpan<float> row)
        {
            ReadOnlySpan<byte> encoded = MemoryMarshal.AsBytes(row);
            if (_encoded is not null)
            {
                for (int i = 0; i < row.Length; i++) _encoded[i] = (byte)row[i];
                encoded = _encoded;
            }
            if (MemoryRows < _memoryRowLimit)
            {
                int inBlock = (int)(MemoryRows % _rowsPerBlock);
                if (inBlock == 0)
                {
                    long bytes = Math.Min(_rowsPerBlock, _memoryRowLimit - MemoryRows) * RowBytes;
                    _blocks.Add((IntPtr)NativeMemory.Alloc((nuint)bytes));
                    GC.AddMemoryPressure(bytes);
                    _blockBytes.Add(bytes);
                }
                encoded.CopyTo(Block(_blocks.Count - 1).Slice((int)(inBlock * RowBytes), (int)RowBytes));
                MemoryRows++;
                return;
            }
            _file ??= CreateFile();
            _file.Write(encoded);
            FileRows++;
        }

        /// <summary>Flushes the file so positioned reads see every row.</summary>
        public void Flush() => _file?.Flush();

        /// <summary>
        /// Copies row <paramref name="index"/> (checked by the caller) to <paramref name="destination"/>.
        /// </summary>
        public void CopyRow(long index, Span<float> destination)
        {
            if (BytesPerValue == 4)
            {
                CopyEncoded(index, MemoryMarshal.AsBytes(destination));
                return;
            }
            byte[] encoded = System.Buffers.ArrayPool<byte>.Shared.Rent(RowSize);
            try
            {
                CopyEncoded(index, encoded.AsSpan(0, RowSize));
                Widen(encoded.AsSpan(0, RowSize), destination);
            }
            finally { System.Buffers.ArrayPool<byte>.Shared.Return(encoded); }
        }

        private void CopyEncoded(long index, Span<byte> destination)
        {
            if (index < MemoryRows)
                Block((int)(index / _rowsPerBlock)).Slice((int)(index % _rowsPerBlock * RowBytes), (int)RowBytes)
                    .CopyTo(destination);
            else
                ReadFromFile((index - MemoryRows) * RowBytes, destination, index);
        }

        // bytes -> float32, exactly (every byte value is a float32).
        private static void Widen(ReadOnlySpan<byte> source, Span<float> destination)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                int width = Vector<byte>.Count;
                for (; i <= source.Length - width; i += width)
                {
                    Vector.Widen(new Vector<byte>(source.Slice(i)), out var low16, out var high16);
                    Vector.Widen(low16, out var a, out var b);
                    Vector.Widen(high16, out var c, out var d);
                    int quarter = Vector<uint>.Count;
                    Vector.ConvertToSingle(a).CopyTo(destination.Slice(i));
                    Vector.ConvertToSingle(b).CopyTo(destination.Slice(i + quarter));
                    Vector.ConvertToSingle(c).CopyTo(destination.Slice(i + 2 * quarter));
                    Vector.ConvertToSingle(d).CopyTo(destination.Slice(i + 3 * quarter));
                }
            }
            for (; i < source.Length; i++) destination[i] = source[i];
        }

        private void ReadFromFile(long offset, Span<byte> bytes, long index)
        {
            var file = _file ?? throw new ObjectDisposedException(nameof(RowSegments));
            while (bytes.Length > 0)
            {
                int read = RandomAccess.Read(file.SafeFileHandle, bytes, offset);
                if (read <= 0)
                    throw new EndOfStreamException($"The temporary training data file '{file.Name}' " +
                        $"ended before row {index}.");
                bytes = bytes.Slice(read);
                offset += read;
            }
        }

        private FileStream CreateFile()
        {
            string path = Path.Combine(_directory ?? Path.GetTempPath(), $"stn-training-{Guid.NewGuid():N}.rows");
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileBufferBytes,
                FileOptions.DeleteOnClose | FileOptions.RandomAccess);
            // POSIX keeps an unlinked file's data until its last handle closes; Windows refuses to delete an open file.
            if (!OperatingSystem.IsWindows()) File.Delete(path);
            return file;
        }

        private Span<byte> Block(int i) => new Span<byte>((void*)_blocks[i], (int)_blockBytes[i]);

        private void FreeBlocks()
        {
            for (int i = 0; i < _blocks.Count; i++)
            {
                NativeMemory.Free((void*)_blocks[i]);
                GC.RemoveMemoryPressure(_blockBytes[i]);
            }
            _blocks.Clear();
            _blockBytes.Clear();
        }

        // Segments that were never disposed still give their blocks back.
        ~RowSegments() => FreeBlocks();

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
