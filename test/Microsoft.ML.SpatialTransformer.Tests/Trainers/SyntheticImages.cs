using System;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>
    /// A tiny, quickly learnable image task: a bright 3x3 square in the left (class "left") or right half of a 12x12
    /// image.
    /// </summary>
    public static class SyntheticImages
    {
        public sealed class Row
        {
            [VectorType(1, 12, 12)] public float[] Pixels { get; set; }
            public string Side { get; set; }
        }

        public sealed class Prediction
        {
            public string PredictedSide { get; set; }
            public float[] Score { get; set; }
        }

        public static Row[] Make(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(i =>
            {
                bool left = random.Next(2) == 0;
                var pixels = new float[144];
                for (int p = 0; p < pixels.Length; p++) pixels[p] = 0.1f * (float)random.NextDouble();
                int row = random.Next(0, 10), col = left ? random.Next(0, 4) : random.Next(6, 10);
                for (int r = row; r < row + 3; r++)
                    for (int c = col; c < col + 3; c++)
                        pixels[r * 12 + c] = 1f;
                return new Row { Pixels = pixels, Side = left ? "left" : "right" };
            }).ToArray();
        }

        public sealed class PngRow
        {
            public string Path { get; set; }
            public string Side { get; set; }
        }

        /// <summary>
        /// Writes each row as a gray 12x12 PNG (the same value in B, G and R) and returns (file name, side) rows.
        /// </summary>
        public static PngRow[] WritePngs(Row[] rows, string directory) => rows.Select((r, i) =>
        {
            var bgra = new byte[12 * 12 * 4];
            for (int p = 0; p < 144; p++)
            {
                byte v = (byte)(r.Pixels[p] * 255);
                bgra[4 * p] = bgra[4 * p + 1] = bgra[4 * p + 2] = v;
                bgra[4 * p + 3] = 255;
            }
            string file = $"img{i}.png";
            using (var image = MLImage.CreateFromPixels(12, 12, MLPixelFormat.Bgra32, bgra))
                image.Save(System.IO.Path.Combine(directory, file));
            return new PngRow { Path = file, Side = r.Side };
        }).ToArray();

        /// <summary>MapValueToKey(Side -> Label), the usual first step of an ML.NET multiclass pipeline.</summary>
        public static IEstimator<ITransformer> KeyLabel(MLContext ml)
            => ml.Transforms.Conversion.MapValueToKey("Label", "Side");
    }
}
