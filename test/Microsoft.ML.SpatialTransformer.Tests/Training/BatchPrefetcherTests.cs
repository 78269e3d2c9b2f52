using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>
    /// Batches assembled one ahead on a pool thread come out in order, whole, and with the filler's exceptions.
    /// </summary>
    public class BatchPrefetcherTests
    {
        [Fact]
        public void BatchesComeOutInOrderWithTheirContents()
        {
            using var prefetcher = new BatchPrefetcher(5, 3, 2, (b, buffer, _) =>
            {
                Thread.Sleep(b % 2 == 0 ? 5 : 0); // uneven fills must not reorder anything
                buffer.Count = b == 4 ? 1 : 3;
                for (int i = 0; i < buffer.Count; i++) { buffer.Pixels[2 * i] = b; buffer.Pixels[2 * i + 1] = i;
                    buffer.Labels[i] = 10 * b + i; }
            });
            for (int b = 0; b < 5; b++)
            {
                var batch = prefetcher.Next();
                Assert.Equal(b == 4 ? 1 : 3, batch.Count);
                Assert.Equal(batch.Count * 2, batch.PixelSpan.Length);
                for (int i = 0; i < batch.Count; i++)
                {
                    Assert.Equal(new float[] { b, i }, batch.PixelSpan.Slice(2 * i, 2).ToArray());
                    Assert.Equal(10 * b + i, batch.Labels[i]);
                }
            }
            Assert.Throws<InvalidOperationException>(() => prefetcher.Next());
        }

        [Fact]
        public void AnExceptionWhileFillingComesOutOfNext()
        {
            using var prefetcher = new BatchPrefetcher(4, 1, 1, (b, buffer, _) =>
            {
                if (b == 2) throw new InvalidDataException("row 2 is bad");
                buffer.Count = 1;
            });
            prefetcher.Next();
            prefetcher.Next();
            var e = Assert.Throws<InvalidDataException>(() => prefetcher.Next());
            Assert.Equal("row 2 is bad", e.Message);
        }

        [Fact]
        public void DisposeStopsAndWaitsForTheBackgroundFill()
        {
            var running = new ManualResetEventSlim();
            bool finished = false;
            var prefetcher = new BatchPrefetcher(2, 1, 1, (b, buffer, stop) =>
            {
                buffer.Count = 1;
                if (b == 0) return;
                running.Set();
                while (!stop.IsCancellationRequested) Thread.Sleep(1);
                Thread.Sleep(50);
                finished = true;
            });
            prefetcher.Next();
            Assert.True(running.Wait(TimeSpan.FromSeconds(10)));
            prefetcher.Dispose();
            Assert.True(finished, "Dispose returned while the fill was still running");
        }

        private sealed class InvalidDataException : Exception
        {
            public InvalidDataException(string message) : base(message) { }
        }
    }
}
