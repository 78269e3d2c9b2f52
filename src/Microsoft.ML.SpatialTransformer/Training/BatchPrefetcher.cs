using System;
using System.Threading;
using System.Threading.Tasks;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Fills batch b + 1 on a pool thread while the caller trains on batch b, alternating between two reused buffers,
    /// so reading rows (from disk, when the data is larger than its memory budget) overlaps the network's step. Batches
    /// come out in order and hold what <c>fill</c> puts in them, so results do not depend on timing. An exception
    /// thrown by
    /// <c>fill</c> is rethrown by <see cref="Next"/>; Dispose stops and waits for the background fill.
    /// </summary>
    internal sealed class BatchPrefetcher : IDisposable
    {
        private readonly BatchBuffer[] _buffers;
        private readonly int _batches;
        private readonly Action<int, BatchBuffer, CancellationToken> _fill;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private Task _pending;
        private int _next;

        /// <param name="batches">How many batches <see cref="Next"/> hands out.</param>
        /// <param name="batchSize">The largest batch.</param>
        /// <param name="featureSize">Values per row.</param>
        /// <param name="positions">Class indices per row.</param>
        /// <param name="fill">Fills the buffer with batch b (runs on a pool thread; should stop early when the token is
        /// cancelled).</param>
        public BatchPrefetcher(int batches, int batchSize, int featureSize,
            Action<int, BatchBuffer, CancellationToken> fill,
            int positions = 1)
        {
            _batches = batches;
            _fill = fill;
            _buffers = new[] { new BatchBuffer(batchSize, featureSize, positions),
                new BatchBuffer(batchSize, featureSize, positions) };
            if (batches > 0) _pending = Start(0);
        }

        /// <summary>
        /// Batch number n (0, 1, ...) of this run; its buffer stays valid until the call after next, which refills it.
        /// Rethrows what filling it threw.
        /// </summary>
        public BatchBuffer Next()
        {
            if (_next >= _batches) throw new InvalidOperationException($"All {_batches} batches were handed out.");
            int current = _next++;
            var pending = _pending;
            _pending = null;
            pending.GetAwaiter().GetResult();
            // The other buffer was handed out last time and its tensor copied by now, so it can be refilled.
            if (_next < _batches) _pending = Start(_next);
            return _buffers[current % 2];
        }

        private Task Start(int batch)
        {
            var buffer = _buffers[batch % 2];
            var token = _stop.Token;
            return Task.Run(() => _fill(batch, buffer, token), token);
        }

        public void Dispose()
        {
            _stop.Cancel();
            // Whatever the background fill threw no longer matters (the caller is leaving), but it must not outlive the
            // data it reads, which the caller frees next.
            try { _pending?.Wait(); } catch (AggregateException) { }
            _pending = null;
            _stop.Dispose();
        }
    }
}
