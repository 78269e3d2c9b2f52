using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    public class StCnnTrainerTests
    {
        internal static StCnnTrainer.Options SmallOptions(int epochs = 3) => new()
        {
            FeatureColumnName = "Pixels", Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 },
            Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 }, MaxEpochs = epochs,
            BatchSize = 32, LearningRate = 3e-3,
        };

        private static IEstimator<ITransformer> Pipeline(MLContext ml, StCnnTrainer.Options options) =>
            SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(options))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel"));

        [Fact]
        public void FitEvaluatePredictAndReloadInAFreshProcess()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(SyntheticImages.Make(400, 1));
            var test = ml.Data.LoadFromEnumerable(SyntheticImages.Make(200, 2));
            var model = Pipeline(ml, SmallOptions()).Fit(train);

            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            Assert.True(metrics.MacroAccuracy > 0.9, $"macro accuracy {metrics.MacroAccuracy}");

            var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, SyntheticImages.Prediction>(model);
            var rows = SyntheticImages.Make(20, 3);
            int right = rows.Count(r => engine.Predict(r).PredictedSide == r.Side);
            Assert.True(right >= 17, $"{right} of 20 right");
            var score = engine.Predict(rows[0]).Score;
            Assert.Equal(2, score.Length);
            Assert.Equal(1.0, score.Sum(), 1e-5);

            using var dir = new TempDirectory();
            ml.Model.Save(model, train.Schema, dir.File("stcnn.zip"));
            var scored = model.Transform(test);
            var fresh = ModelRunnerProcess.Transform(ml, dir.File("stcnn.zip"), test, dir.Path);
            Assert.Equal(scored.GetColumn<float[]>("Score").ToArray(), fresh.GetColumn<float[]>("Score").ToArray());
            Assert.Equal(scored.GetColumn<string>("PredictedSide").ToArray(),
                fresh.GetColumn<string>("PredictedSide").ToArray());
        }

        [Fact]
        public void SameSeedGivesBitwiseIdenticalModels()
        {
            float[][] Scores(int seed)
            {
                var ml = new MLContext(seed);
                var train = ml.Data.LoadFromEnumerable(SyntheticImages.Make(128, 5));
                var model = Pipeline(ml, SmallOptions(epochs: 2)).Fit(train);
                return model.Transform(train).GetColumn<float[]>("Score").ToArray();
            }
            var a = Scores(7);
            Assert.Equal(a, Scores(7));
            Assert.NotEqual(a, Scores(8));
        }

        [Fact]
        public void AContextWithoutASeedGivesADifferentRunEachTime()
        {
            float[][] Scores()
            {
                var ml = new MLContext();
                var train = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 5));
                return Pipeline(ml, SmallOptions(epochs: 1)).Fit(train).Transform(train)
                    .GetColumn<float[]>("Score").ToArray();
            }
            Assert.NotEqual(Scores(), Scores());
        }

        [Fact]
        public void HistoryAndLogCarryEveryEpoch()
        {
            var ml = new MLContext(seed: 1);
            var messages = new System.Collections.Concurrent.ConcurrentBag<string>();
            ml.Log += (_, e) => messages.Add(e.Message);
            var train = ml.Data.LoadFromEnumerable(SyntheticImages.Make(96, 1));
            var validation = SyntheticImages.KeyLabel(ml).Fit(train)
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 9)));
            var options = SmallOptions(epochs: 3);
            options.ValidationSet = validation;
            var keyed = SyntheticImages.KeyLabel(ml).Fit(train).Transform(train);
            var model = ml.MulticlassClassification.Trainers.StCnn(options).Fit(keyed);
            var history = model.Model.History;
            Assert.Equal(new[] { 1, 2, 3 }, history.Select(h => h.Epoch));
            Assert.All(history, h => Assert.NotNull(h.ValidationAccuracy));
            Assert.Contains(messages, m => m.Contains("epoch 3:"));
            Assert.Contains(messages, m => m.Contains("Training on CPU"));
        }

        [Fact]
        public void TimeBudgetStopsBetweenEpochsAndKeepsTheModel()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1)));
            var options = SmallOptions(epochs: 50);
            options.TrainingTimeBudget = TimeSpan.FromTicks(1); // the first epoch already passes it
            var model = ml.MulticlassClassification.Trainers.StCnn(options).Fit(data);
            Assert.Single(model.Model.History);
            Assert.Equal(64, model.Transform(data).GetColumn<float[]>("Score").Count());
        }

        [Fact]
        public void BadInputGivesMLNetStyleErrors()
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticImages.Make(8, 1);
            var data = ml.Data.LoadFromEnumerable(rows);
            // Label not a key.
            var e =
                Assert.ThrowsAny<Exception>(() =>
                    ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options { FeatureColumnName = "Pixels",
                    LabelColumnName = "Side" }).Fit(data));
            Assert.Contains("Schema mismatch for label column 'Side'", e.Message);
            // Missing feature column.
            var keyed = SyntheticImages.KeyLabel(ml).Fit(data).Transform(data);
            e = Assert.ThrowsAny<Exception>(() => ml.MulticlassClassification.Trainers.StCnn(featureColumnName: "Nope")
                .Fit(keyed));
            Assert.Contains("Could not find feature column 'Nope'", e.Message);
            // A single class.
            var one =
                ml.Data.LoadFromEnumerable(
                    rows.Select(r => new SyntheticImages.Row { Pixels = r.Pixels, Side = "left" }));
            var oneKeyed = SyntheticImages.KeyLabel(ml).Fit(one).Transform(one);
            e = Assert.ThrowsAny<Exception>(() =>
                ml.MulticlassClassification.Trainers.StCnn(featureColumnName: "Pixels").Fit(oneKeyed));
            Assert.Contains("has 1 class(es)", e.Message);
            // Empty training data.
            var empty = SyntheticImages.KeyLabel(ml).Fit(data)
                .Transform(ml.Data.LoadFromEnumerable(Array.Empty<SyntheticImages.Row>()));
            e = Assert.ThrowsAny<Exception>(() =>
                ml.MulticlassClassification.Trainers.StCnn(featureColumnName: "Pixels").Fit(empty));
            Assert.Contains("no usable row", e.Message);
            // Bad options name themselves.
            e = Assert.ThrowsAny<ArgumentException>(() =>
                ml.MulticlassClassification.Trainers.StCnn(featureColumnName: "Pixels", maxEpochs: 0));
            Assert.Contains("MaxEpochs", e.Message);
        }
    }
}

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    public class StCnnSpatialTransformerExportTests
    {
        [Fact]
        public void TheModelsTransformerGivesTheNetworksThetaPerRow()
        {
            var ml = new MLContext(seed: 2);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(160, 1)));
            var model = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = SpatialTransformer.LocalisationNetworkKind.Fcn,
                Classifier = SpatialTransformer.ClassifierKind.Fcn, MaxEpochs = 2, BatchSize = 32, LearningRate = 3e-3,
            }).Fit(data);
            var st = model.Model.GetSpatialTransformer(0, "Pixels");
            var rows = st.Transform(data);
            var thetas = rows.GetColumn<float[]>("Theta").ToArray();
            var pixels = data.GetColumn<float[]>("Pixels").ToArray();
            using var scope = TorchSharp.torch.NewDisposeScope();
            using var noGrad = TorchSharp.torch.no_grad();
            var x = TorchSharp.torch.tensor(pixels.SelectMany(p => p).ToArray(),
                new long[] { pixels.Length, 1, 12, 12 });
            var expected = model.Model.TorchNetwork.ForwardWithThetas(x).Thetas[0];
            for (int i = 0; i < thetas.Length; i++)
                for (int j = 0; j < 6; j++)
                    Assert.Equal(expected[i, j].item<float>(), thetas[i][j], 1e-5);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Model.GetSpatialTransformer(1));
        }
    }
}
