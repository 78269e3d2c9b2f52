using System;
using System.Linq;
using Microsoft.ML.Data;

namespace Stn.Benchmarks
{
    /// <summary>
    /// MNIST-sized rows of random pixels and labels, and the Score-only prediction, for the ML.NET-path benchmarks.
    /// </summary>
    internal static class RandomDigits
    {
        public sealed class Row
        {
            [VectorType(1, 28, 28)] public float[] Pixels { get; set; }
            [KeyType(10)] public uint Label { get; set; }
        }

        /// <summary>The prediction's class probabilities (the model's Score column).</summary>
        public sealed class ScoreOnly
        {
            public float[] Score { get; set; }
        }

        /// <summary><paramref name="count"/> rows drawn from <paramref name="random"/>.</summary>
        public static Row[] Make(Random random, int count) => Enumerable.Range(0, count).Select(_ => new Row
        {
            Pixels = Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray(),
            Label = (uint)random.Next(1, 11),
        }).ToArray();
    }
}
