using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Stn.Benchmarks
{
    /// <summary>
    /// An IDataView of colour images made on the fly from the row index with a seeded generator: nothing is held by the
    /// source, so the memory a trainer uses is its own. Label = index % 10, drawn as a bright square whose place
    /// depends on it.
    /// </summary>
    internal static class LazyImages
    {
        public sealed class Row
        {
            public float[] Pixels { get; set; }
            public uint Label { get; set; }
        }

        public const int Classes = 10;

        public static IDataView Make(MLContext ml, int rows, int channels, int size, int seed = 0)
        {
            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, channels,
                size, size);
            schema[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), Classes);
            return ml.Data.LoadFromEnumerable(Generate(rows, channels, size, seed), schema);
        }

        private static IEnumerable<Row> Generate(int rows, int channels, int size, int seed)
        {
            var bytes = new byte[channels * size * size];
            for (int i = 0; i < rows; i++)
            {
                var random = new Random(seed * 1_000_003 + i);
                random.NextBytes(bytes);
                var pixels = new float[bytes.Length];
                for (int p = 0; p < pixels.Length; p++) pixels[p] = bytes[p] * (0.25f / 255);
                int label = i % Classes, side = size / 4;
                int top = label / 4 * side, left = label % 4 * side;
                for (int c = 0; c < channels; c++)
                    for (int y = top; y < top + side; y++)
                        pixels.AsSpan(c * size * size + y * size + left, side).Fill(1f);
                yield return new Row { Pixels = pixels, Label = (uint)label + 1 }; // keys are 1-based
            }
        }
    }
}
