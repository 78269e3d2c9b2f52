using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Scoring
{
    /// <summary>
    /// Single images scored through ONNX Runtime (the model's own export in an in-process session) against TorchSharp:
    /// every network family the trainer offers agrees within <see cref="Bound"/>, the choice survives Save/Load, and
    /// asking for ONNX Runtime where it cannot score says why.
    /// </summary>
    public class OnnxScoringEngineTests
    {
        /// <summary>
        /// The largest difference allowed between the two engines' probabilities (measured worst: see README).
        /// </summary>
        public const float Bound = 1e-5f;

        public sealed class TutorialRow
        {
            [VectorType(1, 28, 28)] public float[] Pixels { get; set; }
            public string Side { get; set; }
        }

        public sealed class Scored
        {
            public float[] Score { get; set; }
            public uint PredictedLabel { get; set; }
        }

        public static IEnumerable<object[]> Families() => new[]
        {
            "Cnn", "Fcn", "Affine", "AffineFcn", "Attention", "Similarity", "Translation", "Projective",
            "ThinPlateSpline",
            "Parallel", "Series", "BatchNormBicubicBorder", "PooledHeads", "Tutorial",
        }.Select(f => new object[] { f });

        private static StCnnTrainer.Options Options(string family)
        {
            var o = new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Cnn,
                LocalisationWidths = new[] { 8, 8, 16 },
                Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 16 }, MaxEpochs = 1, BatchSize = 16,
            };
            switch (family)
            {
                case "Cnn": o.Transform = SpatialTransformKind.None; break;
                case "Fcn": o.Transform = SpatialTransformKind.None; o.Classifier = ClassifierKind.Fcn;
                    o.ClassifierWidths = new[] { 32 }; break;
                case "Affine": break;
                case "AffineFcn":
                    o.Localisation = LocalisationNetworkKind.Fcn; o.LocalisationWidths = new[] { 16 };
                    o.Classifier = ClassifierKind.Fcn; o.ClassifierWidths = new[] { 32 };
                    break;
                case "Parallel": o.ParallelTransformers = 2; break;
                case "Series": o.SeriesTransformers = 2; break;
                case "BatchNormBicubicBorder":
                    o.BatchNorm = true; o.Sampling = SamplingMode.Bicubic; o.Padding = PaddingMode.Border;
                    o.Dropout = 0.2;
                    break;
                case "PooledHeads": o.FullyConnectedInputSide = 2; break; // 12x12 maps average-pooled to 2x2
                case "Tutorial": o.Localisation = LocalisationNetworkKind.Tutorial;
                    o.Classifier = ClassifierKind.Tutorial;
                    o.LocalisationWidths = null; o.ClassifierWidths = null; break;
                default: o.Transform = Enum.Parse<SpatialTransformKind>(family); break;
            }
            return o;
        }

        private static IDataView Rows(MLContext ml, string family, int count, int seed)
        {
            var rows = SyntheticImages.Make(count, seed);
            if (family != "Tutorial") return ml.Data.LoadFromEnumerable(rows);
            // The tutorial networks take MNIST's 28x28: the 12x12 image in the middle of a dark frame.
            return ml.Data.LoadFromEnumerable(rows.Select(r => new TutorialRow
            {
                Side = r.Side,
                Pixels = Enumerable.Range(0, 784).Select(i =>
                    i / 28 - 8 is int y && i % 28 - 8 is int x && y is >= 0 and < 12
                        && x is >= 0 and < 12 ? r.Pixels[y * 12 + x] : 0f).ToArray(),
            }));
        }

        private static float[][] PredictEach(MLContext ml, ITransformer model, IDataView data)
        {
            // PredictionEngine over the typed rows the data was made from, as an application calls it.
            var pixels = data.GetColumn<float[]>("Pixels").ToArray();
            var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(model,
                inputSchemaDefinition: RowSchema(data));
            return pixels.Select(p => engine.Predict(new SyntheticImages.Row { Pixels = p, Side = "left" }).Score)
                .ToArray();
        }

        private static SchemaDefinition RowSchema(IDataView data)
        {
            var schema = SchemaDefinition.Create(typeof(SyntheticImages.Row));
            schema["Pixels"].ColumnType = data.Schema["Pixels"].Type;
            return schema;
        }

        [Theory]
        [MemberData(nameof(Families))]
        public void EnginesAgreeForEveryFamily(string family)
        {
            var ml = new MLContext(seed: 4);
            var chain = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Options(family)))
                .Fit(Rows(ml, family, 64, 4));
            var model = chain.LastTransformer.Model;
            Assert.Equal(ScoringEngine.Auto, model.ScoringEngine);
            // the tests ship ONNX Runtime's native library
            Assert.Equal(ScoringEngine.OnnxRuntime, model.ActiveScoringEngine);
            var test = Rows(ml, family, 300, 11);

            var ort = PredictEach(ml, chain, test);
            model.ScoringEngine = ScoringEngine.TorchSharp;
            Assert.Equal(ScoringEngine.TorchSharp, model.ActiveScoringEngine);
            var torch = PredictEach(ml, chain, test);
            model.ScoringEngine = ScoringEngine.OnnxRuntime;
            Assert.Equal(ort, PredictEach(ml, chain, test)); // the same session, the same bits

            double worst = 0;
            for (int r = 0; r < ort.Length; r++)
            {
                Assert.Equal(1.0, ort[r].Sum(p => (double)p), 1e-5);
                for (int k = 0; k < ort[r].Length; k++) worst = Math.Max(worst, Math.Abs(ort[r][k] - torch[r][k]));
                int ortLabel = ArgMax(ort[r]), torchLabel = ArgMax(torch[r]);
                // The labels agree unless the top two classes are closer than the engines' bound.
                if (ortLabel != torchLabel)
                    Assert.True(Math.Abs(torch[r][ortLabel] - torch[r][torchLabel]) <= 2 * Bound);
            }
            Console.WriteLine($"{family}: ONNX Runtime vs TorchSharp, largest probability difference {worst:E2}");
            Assert.True(worst <= Bound, $"{family}: probabilities differ by {worst:E2}");
        }

        private static int ArgMax(float[] values) => Array.IndexOf(values, values.Max());

        [Fact]
        public void PredictedLabelFollowsTheEnginesScore()
        {
            var ml = new MLContext(seed: 5);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 5));
            var chain = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(Options("Affine"))).Fit(data);
            var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(chain);
            var rows = SyntheticImages.Make(100, 6);
            foreach (var engineKind in new[] { ScoringEngine.OnnxRuntime, ScoringEngine.TorchSharp })
            {
                chain.LastTransformer.Model.ScoringEngine = engineKind;
                foreach (var row in rows)
                {
                    var scored = engine.Predict(row);
                    Assert.Equal((uint)ArgMax(scored.Score) + 1, scored.PredictedLabel);
                }
            }
        }

        [Fact]
        public void TheEngineChoiceWorksAfterSaveAndLoad()
        {
            var ml = new MLContext(seed: 6);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 6));
            var options = Options("Affine");
            options.ScoringEngine = ScoringEngine.TorchSharp;
            var chain = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(options))
                .Fit(data);
            Assert.Equal(ScoringEngine.TorchSharp, chain.LastTransformer.Model.ScoringEngine);
            var rows = SyntheticImages.Make(50, 7);
            var torch = rows.Select(r => ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(chain).Predict(r)
                .Score).ToArray();
            chain.LastTransformer.Model.ScoringEngine = ScoringEngine.OnnxRuntime;
            var ort = rows.Select(r => ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(chain).Predict(r)
                .Score).ToArray();

            using var dir = new TempDirectory();
            ml.Model.Save(chain, data.Schema, dir.File("m.zip"));
            var loaded = ml.Model.Load(dir.File("m.zip"), out _);
            var parameters = ((IEnumerable<ITransformer>)loaded)
                .OfType<ISingleFeaturePredictionTransformer<StCnnModelParameters>>().Single().Model;
            Assert.Equal(ScoringEngine.Auto, parameters.ScoringEngine); // not saved: a runtime choice
            var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(loaded);
            Assert.Equal(ort, rows.Select(r => engine.Predict(r).Score).ToArray());
            parameters.ScoringEngine = ScoringEngine.TorchSharp;
            Assert.Equal(torch, rows.Select(r => engine.Predict(r).Score).ToArray());
            parameters.ScoringEngine = ScoringEngine.OnnxRuntime;
            Assert.Equal(ort, rows.Select(r => engine.Predict(r).Score).ToArray());
        }

        [Fact]
        public void DisposingOneEngineLeavesAnotherScoringThroughOnnxRuntime()
        {
            var ml = new MLContext(seed: 7);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 7));
            var options = Options("Affine");
            options.ScoringEngine = ScoringEngine.OnnxRuntime;
            var chain = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(options))
                .Fit(data);
            var row = SyntheticImages.Make(1, 8)[0];
            var other = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(chain);
            var expected = other.Predict(row).Score;
            using (var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(chain))
                Assert.Equal(expected, engine.Predict(row).Score);
            (chain as IDisposable)?.Dispose();
            Assert.Equal(expected, other.Predict(row).Score);
            Assert.Equal(ScoringEngine.OnnxRuntime, chain.LastTransformer.Model.ActiveScoringEngine);
        }

        [Fact]
        public void ThreadsScoringAtOnceGetTheSameBitsAsOneThread()
        {
            var ml = new MLContext(seed: 8);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 8));
            var chain = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(Options("Affine"))).Fit(data);
            var rows = SyntheticImages.Make(200, 9);
            var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(chain);
            var expected = rows.Select(r => engine.Predict(r).Score).ToArray();
            var results = new float[4][][];
            System.Threading.Tasks.Parallel.For(0, 4, t =>
            {
                var own = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Scored>(chain); // one engine per thread
                results[t] = rows.Select(r => own.Predict(r).Score).ToArray();
            });
            foreach (var result in results) Assert.Equal(expected, result);
        }
    }
}
