using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Pipeline
{
    public class SpatialTransformEstimatorTests
    {
        private sealed class Row
        {
            [VectorType(1, 4, 5)] public float[] Image { get; set; }
            [VectorType(6)] public float[] Theta { get; set; }
            public string Name { get; set; }
        }

        private sealed class Warped
        {
            [VectorType(1, 4, 5)] public float[] Image { get; set; }
            [VectorType(1, 4, 5)] public float[] Out { get; set; }
            public string Name { get; set; }
        }

        private static Row[] MakeRows(int n)
        {
            var random = new Random(7);
            return Enumerable.Range(0, n).Select(i => new Row
            {
                Image = Enumerable.Range(0, 20).Select(_ => (float)random.NextDouble()).ToArray(),
                Theta = new[] { 0.9f + 0.01f * i, 0.1f, 0.05f, -0.1f, 1.1f, -0.03f * i },
                Name = $"row{i}",
            }).ToArray();
        }

        private static float[] Reference(Row row)
        {
            using var scope = NewDisposeScope();
            var input = tensor(row.Image, new long[] { 1, 1, 4, 5 });
            var grid = TransformFamily.Grid(SpatialTransformKind.Affine, tensor(row.Theta, new long[] { 1, 6 }), 4, 5);
            return GridSampling.Sample(input, grid).data<float>().ToArray();
        }

        [Fact]
        public void TransformMatchesFunctionalWarpRowByRow()
        {
            var ml = new MLContext(1);
            var rows = MakeRows(5);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.SpatialTransform("Out", "Image").Fit(data);
            var output = ml.Data.CreateEnumerable<Warped>(model.Transform(data), reuseRowObject: false).ToArray();
            Assert.Equal(5, output.Length);
            for (int i = 0; i < rows.Length; i++)
                Assert.Equal(Reference(rows[i]), output[i].Out);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(5)]
        [InlineData(64)]
        public void BatchedTransformMatchesRowByRowAndKeepsOtherColumns(int batchSize)
        {
            var ml = new MLContext(1);
            var rows = MakeRows(5);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Out", InputColumnName = "Image", BatchSize = batchSize,
            }).Fit(data);
            var batched = ml.Data.CreateEnumerable<Warped>(model.Transform(data), false).ToArray();
            var engine = ml.Model.CreatePredictionEngine<Row, Warped>(model);
            Assert.Equal(rows.Length, batched.Length);
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.Equal(rows[i].Image, batched[i].Image);
                Assert.Equal($"row{i}", batched[i].Name);
                Assert.Equal(Reference(rows[i]), batched[i].Out);
                Assert.Equal(batched[i].Out, engine.Predict(rows[i]).Out);
            }
        }

        private sealed class InPlace
        {
            [VectorType(1, 4, 5)] public float[] Image { get; set; }
            [VectorType(6)] public float[] Theta { get; set; }
            public string Name { get; set; }
        }

        [Fact]
        public void AnOutputNamedLikeAnInputHidesItInPlaceAsRowToRowMappersDo()
        {
            var ml = new MLContext(1);
            var rows = MakeRows(5);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model =
                ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options { OutputColumnName = "Image",
                    BatchSize = 2 }).Fit(data);
            var batched = model.Transform(data);
            // Same schema as ML.NET's row-by-row path: the new Image right after the hidden one, then Theta and Name.
            var rowByRow = ((ITransformer)model).GetRowToRowMapper(data.Schema).OutputSchema;
            Assert.Equal(rowByRow.Select(c => (c.Name, c.Index, c.IsHidden)),
                batched.Schema.Select(c => (c.Name, c.Index, c.IsHidden)));
            var output = ml.Data.CreateEnumerable<InPlace>(batched, false).ToArray();
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.Equal(Reference(rows[i]), output[i].Image);
                Assert.Equal(rows[i].Theta, output[i].Theta);
                Assert.Equal(rows[i].Name, output[i].Name);
            }
        }

        [Fact]
        public void SaveLoadGivesIdenticalOutput()
        {
            var ml = new MLContext(1);
            var rows = MakeRows(3);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.SpatialTransform("Out", "Image").Fit(data);
            string path = Path.Combine(Path.GetTempPath(), $"stn-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, data.Schema, path);
                var loaded = ml.Model.Load(path, out var schema);
                var before = ml.Data.CreateEnumerable<Warped>(model.Transform(data), false).ToArray();
                var after = ml.Data.CreateEnumerable<Warped>(loaded.Transform(data), false).ToArray();
                for (int i = 0; i < rows.Length; i++) Assert.Equal(before[i].Out, after[i].Out);
                var engine = ml.Model.CreatePredictionEngine<Row, Warped>(loaded);
                Assert.Equal(before[1].Out, engine.Predict(rows[1]).Out);
            }
            finally { File.Delete(path); }
        }

        [Fact]
        public void SavedModelGivesIdenticalOutputInAFreshProcess()
        {
            var ml = new MLContext(1);
            var rows = MakeRows(4);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.SpatialTransform("Out", "Image", transform: SpatialTransformKind.Affine,
                outputHeight: 4, outputWidth: 5).Fit(data);
            using var dir = new TempDirectory();
            ml.Model.Save(model, data.Schema, dir.File("model.zip"));
            var fresh = ModelRunnerProcess.Transform(ml, dir.File("model.zip"), data, dir.Path);
            var expected = ml.Data.CreateEnumerable<Warped>(model.Transform(data), false).ToArray();
            var actual = ml.Data.CreateEnumerable<Warped>(fresh, false).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i].Out, actual[i].Out);
        }

        [Fact]
        public void WrongThetaWidthIsASchemaMismatch()
        {
            var ml = new MLContext(1);
            var data = ml.Data.LoadFromEnumerable(MakeRows(2));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform("Out", "Image",
                transform: SpatialTransformKind.Attention).Fit(data));
            Assert.Contains("Schema mismatch for theta column 'Theta': expected Vector<Single, " +
                "3>, got Vector<Single, 6>", e.Message);
        }
    }
}
