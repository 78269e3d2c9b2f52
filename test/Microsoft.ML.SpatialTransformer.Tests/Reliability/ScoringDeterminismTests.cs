using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Reliability
{
    /// <summary>
    /// Row-by-row scores (model.Transform, PredictionEngine) are the same bits in fresh processes, two of them racing,
    /// as in the process that trained the model: how a single image is threaded is a fixed property of the model, never
    /// a timing, and each scoring engine (TorchSharp, ONNX Runtime) gives its own bits the same way everywhere.
    /// </summary>
    public class ScoringDeterminismTests
    {
        public sealed class LargeRow
        {
            [VectorType(1, 48, 48)] public float[] Pixels { get; set; }
            public string Side { get; set; }
        }

        // The synthetic task at 12x12 (runs alone) or scaled up to 48x48 (shares libtorch's threads).
        private static IDataView Rows(MLContext ml, int count, int seed, int scale)
        {
            var rows = SyntheticImages.Make(count, seed);
            if (scale == 1) return ml.Data.LoadFromEnumerable(rows);
            int side = 12 * scale;
            return ml.Data.LoadFromEnumerable(rows.Select(r => new LargeRow
            {
                Side = r.Side,
                Pixels = Enumerable.Range(0, side * side)
                    .Select(i => r.Pixels[(i / side / scale) * 12 + (i % side) / scale]).ToArray(),
            }));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void RowByRowScoresAreTheSameBitsInAFreshProcess(int scale)
        {
            var ml = new MLContext(seed: 3);
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Cnn,
                LocalisationWidths = new[] { 8, 8, 16 },
                Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 16 }, MaxEpochs = 1, BatchSize = 16,
            })).Fit(Rows(ml, 64, 3, scale));
            var test = Rows(ml, 2000, 8, scale);
            var here = model.Transform(test).GetColumn<float[]>("Score").ToArray();

            using var dir = new TempDirectory();
            ml.Model.Save(model, test.Schema, dir.File("model.zip"));
            // Two fresh processes at once, competing for the same two cores, as well as the one that trained the model.
            using var first = new TempDirectory();
            using var second = new TempDirectory();
            var racing = new[] { first, second }.Select(work => System.Threading.Tasks.Task.Run(() =>
                ModelRunnerProcess.Transform(ml, dir.File("model.zip"), test, work.Path).GetColumn<float[]>("Score")
                    .ToArray())).ToArray();

            foreach (var fresh in racing.Select(t => t.GetAwaiter().GetResult()))
            {
                Assert.Equal(here.Length, fresh.Length);
                int same = here.Zip(fresh, (a, b) => a.AsSpan().SequenceEqual(b)).Count(x => x);
                Assert.True(same == here.Length,
                    $"{same} of {here.Length} rows scored the same bits in a fresh process");
            }
        }

        // Scale 1 runs a TorchSharp single image alone on the calling thread, scale 4 on libtorch's threads; ONNX
        // Runtime runs one thread either way.
        [Theory]
        [InlineData(ScoringEngine.TorchSharp, 1)]
        [InlineData(ScoringEngine.OnnxRuntime, 1)]
        [InlineData(ScoringEngine.OnnxRuntime, 4)]
        public void PredictionEngineScoresAreTheSameBitsInFreshProcessesForEachEngine(ScoringEngine engine, int scale)
            => AssertSameBitsInFreshProcesses(engine, scale);

        // 2,000 single 48x48 images on libtorch's threads in three processes at once take minutes on two busy cores.
        [Fact]
        [Trait("Category", "Slow")]
        public void PredictionEngineScoresOnLibtorchsThreadsAreTheSameBitsInFreshProcesses()
            => AssertSameBitsInFreshProcesses(ScoringEngine.TorchSharp, 4);

        private static void AssertSameBitsInFreshProcesses(ScoringEngine engine, int scale)
        {
            var ml = new MLContext(seed: 5);
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Cnn,
                LocalisationWidths = new[] { 8, 8, 16 },
                Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 16 }, MaxEpochs = 1, BatchSize = 16,
                ScoringEngine = engine,
            })).Fit(Rows(ml, 64, 5, scale));
            Assert.Equal(engine, model.LastTransformer.Model.ActiveScoringEngine);
            var test = Rows(ml, 2000, 9, scale);
            using var dir = new TempDirectory();
            ml.Model.Save(model, test.Schema, dir.File("model.zip"));
            var here = PredictEach(ml, model, test);

            using var first = new TempDirectory();
            using var second = new TempDirectory();
            var racing = new[] { first, second }.Select(work => System.Threading.Tasks.Task.Run(() =>
                ModelRunnerProcess.PredictEach(ml, dir.File("model.zip"), test, engine, work.Path))).ToArray();
            foreach (var fresh in racing.Select(t => t.GetAwaiter().GetResult()))
            {
                Assert.Equal(here.Length, fresh.Length);
                int same = here.Zip(fresh, (a, b) => a.AsSpan().SequenceEqual(b)).Count(x => x);
                Assert.True(same == here.Length,
                    $"{same} of {here.Length} rows scored the same bits with {engine} in a fresh process");
            }
        }

        public sealed class Scored
        {
            public float[] Score { get; set; }
        }

        // One PredictionEngine call per row, as an application scores single images.
        private static float[][] PredictEach(MLContext ml, ITransformer model, IDataView data)
        {
            var schema = SchemaDefinition.Create(typeof(LargeRow));
            schema[nameof(LargeRow.Pixels)].ColumnType = data.Schema["Pixels"].Type;
            var engine = ml.Model.CreatePredictionEngine<LargeRow, Scored>(model, inputSchemaDefinition: schema);
            return data.GetColumn<float[]>("Pixels")
                .Select(p => engine.Predict(new LargeRow { Pixels = p, Side = "left" }).Score).ToArray();
        }
    }
}
