using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The images of a co-localisation fit in batches, in an order reshuffled every epoch from the fit's seed (one
    /// Random per stage), read into one reused pixel buffer and handed over as tensors on the training device.
    /// </summary>
    internal sealed class ShuffledImageBatches
    {
        private readonly RowStore _rows;
        private readonly ImageShape _shape;
        private readonly Device _device;
        private readonly Random _random;
        private readonly int[] _order;
        private readonly float[] _pixels;
        private readonly long[] _indices;

        /// <param name="rows">The images.</param>
        /// <param name="shape">Their layout.</param>
        /// <param name="batchSize">Rows per batch, at least 1; more than the rows means one batch of all.</param>
        /// <param name="seed">Seeds the shuffling.</param>
        /// <param name="device">Where the batches go.</param>
        public ShuffledImageBatches(RowStore rows, ImageShape shape, int batchSize, int seed, Device device)
        {
            _rows = rows;
            _shape = shape;
            _device = device;
            _random = new Random(seed);
            Count = (int)rows.Count;
            BatchSize = Math.Max(1, Math.Min(batchSize, Count));
            Batches = (Count + BatchSize - 1) / BatchSize;
            _order = Enumerable.Range(0, Count).ToArray();
            _pixels = new float[(long)BatchSize * shape.Size];
            _indices = new long[BatchSize];
        }

        /// <summary>Images in all.</summary>
        public int Count { get; }

        /// <summary>Rows of a full batch.</summary>
        public int BatchSize { get; }

        /// <summary>Batches per epoch (the last one may be partial).</summary>
        public int Batches { get; }

        /// <summary>Draws the next epoch's order.</summary>
        public void Shuffle() => RowOrder.Shuffle(_order, _random);

        /// <summary>Rows in batch <paramref name="batch"/>.</summary>
        public int RowsIn(int batch) => Math.Min(BatchSize, Count - batch * BatchSize);

        /// <summary>
        /// Batch <paramref name="batch"/> of this epoch's order: its images [B,C,H,W] and the rows they are [B]
        /// (int64), both in the caller's dispose scope.
        /// </summary>
        public (Tensor Images, Tensor Rows) Get(int batch)
        {
            int start = batch * BatchSize, n = RowsIn(batch);
            for (int i = 0; i < n; i++)
            {
                _indices[i] = _order[start + i];
                _rows.CopyRow(_order[start + i], _pixels.AsSpan(i * _shape.Size, _shape.Size));
            }
            var images = HostTensors.FromSpan(_pixels.AsSpan(0, n * _shape.Size),
                new long[] { n, _shape.Channels, _shape.Height, _shape.Width }, _device);         // [B,C,H,W]
            return (images, HostTensors.FromSpan(_indices.AsSpan(0, n), _device));                 // [B]
        }
    }
}
