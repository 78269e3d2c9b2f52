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
    /// ML.NET disposes the transformer a PredictionEngine was made from when the engine is disposed (TransformerChain
    /// -> prediction transformer -> model parameters), and its scorers dispose what they wrap. None of that may take
    /// the trained network with it: the model stays usable for every other engine, Transform, Evaluate and Save.
    /// </summary>
    public class ModelOwnershipTests
    {
        public sealed class Prediction
        {
            public string PredictedSide { get; set; }
            public float[] Score { get; set; }
        }

        private static StCnnTrainer.Options Options() => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 },
            Classifier = ClassifierKind.Fcn, MaxEpochs = 1, BatchSize = 16,
        };

        [Fact]
        public void DisposingAPredictionEngineLeavesTheModelUsableEverywhere()
        {
            var ml = new MLContext(seed: 2);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 2));
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(Options()))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel"))
                .Fit(data);
            var row = SyntheticImages.Make(1, 9)[0];
            var other = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Prediction>(model);
            var expected = other.Predict(row).Score;

            using (var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Prediction>(model))
                Assert.Equal(expected, engine.Predict(row).Score);

            Assert.Equal(expected, other.Predict(row).Score);
            using (var fresh = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Prediction>(model))
                Assert.Equal(expected, fresh.Predict(row).Score);
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
            Assert.InRange(metrics.MicroAccuracy, 0, 1);
            var parameters = model.OfType<StCnnPredictionTransformer>().Single().Model;
            Assert.Equal(64, parameters.ScoreInBatches(data, "Pixels").GetColumn<float[]>("Score").Count());

            using var dir = new TempDirectory();
            ml.Model.Save(model, data.Schema, dir.File("m.zip"));
            var loaded = ml.Model.Load(dir.File("m.zip"), out _);
            Assert.Equal(expected, ml.Model.CreatePredictionEngine<SyntheticImages.Row, Prediction>(loaded)
                .Predict(row).Score);
        }

        [Fact]
        public void DisposingTheChainCursorsAndEnginesOfALoadedModelLeavesItUsable()
        {
            var ml = new MLContext(seed: 2);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(48, 3));
            var trained = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Options()))
                .Fit(data);
            using var dir = new TempDirectory();
            ml.Model.Save(trained, data.Schema, dir.File("m.zip"));
            var model = ml.Model.Load(dir.File("m.zip"), out _);
            var expected = model.Transform(data).GetColumn<float[]>("Score").ToArray();

            using (var cursor = model.Transform(data)
                .GetRowCursor(model.Transform(data).Schema)) { while (cursor.MoveNext()) { } }
            ml.Model.CreatePredictionEngine<SyntheticImages.Row, Prediction>(model).Dispose();
            (model as IDisposable)?.Dispose();

            Assert.Equal(expected, model.Transform(data).GetColumn<float[]>("Score").ToArray());
        }

        [Fact]
        public void DisposingAnEngineOverALearnedSpatialTransformLeavesItUsable()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1)));
            var transform = ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Canonical", InputColumnName = "Pixels", ThetaColumnName = "Pose",
                LabelColumnName = "Label", Transform = SpatialTransformKind.Attention, OutputHeight = 6,
                OutputWidth = 6, Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 8 }, MaxEpochs = 1, TrainingBatchSize = 32,
            }).Fit(data);
            var expected = transform.Transform(data).GetColumn<float[]>("Pose").ToArray();

            ml.Model.CreatePredictionEngine<SyntheticImages.Row, PoseRow>(transform).Dispose();
            new TransformerChain<ITransformer>(transform).Dispose(); // as ML.NET disposes a chain it owns

            Assert.Equal(expected, transform.Transform(data).GetColumn<float[]>("Pose").ToArray());
            using var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, PoseRow>(transform);
            // One row alone and a batch of rows may round the normalised input's matrix products differently in the
            // last bit.
            var pose = engine.Predict(SyntheticImages.Make(64, 1)[0]).Pose;
            Assert.Equal(expected[0].Length, pose.Length);
            for (int i = 0; i < pose.Length; i++) Assert.Equal(expected[0][i], pose[i], 1e-6f);
        }

        [Fact]
        public void PredictingAfterTheNetworkIsDisposedGivesTheLibrarysMessage()
        {
            var ml = new MLContext(seed: 2);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 2));
            var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Options()))
                .Fit(data);
            var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, Prediction>(model);
            model.LastTransformer.Model.TorchNetwork.Dispose(); // the one way to free a model's network at once

            var e = Assert.Throws<ObjectDisposedException>(() => engine.Predict(SyntheticImages.Make(1, 3)[0]));
            Assert.Contains("StCnn model's network (TorchNetwork) has been disposed", e.Message);
            e = Assert.Throws<ObjectDisposedException>(() =>
                model.LastTransformer.Model.ScoreInBatches(data, "Pixels"));
            Assert.Contains("has been disposed", e.Message);
        }

        public sealed class PoseRow
        {
            public float[] Pose { get; set; }
        }

        [Fact]
        public void ScoreInBatchesScoresAPlainCnn()
        {
            var ml = new MLContext(seed: 2);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(40, 5)));
            var options = Options();
            options.Transform = SpatialTransformKind.None;
            var transformer = ml.MulticlassClassification.Trainers.StCnn(options).Fit(data);
            var rowByRow = transformer.Transform(data).GetColumn<float[]>("Score").ToArray();

            var scored = transformer.Model.ScoreInBatches(data, "Pixels", batchSize: 16);

            Assert.DoesNotContain(scored.Schema, c => c.Name.StartsWith("Theta"));
            var batched = scored.GetColumn<float[]>("Score").ToArray();
            Assert.Equal(rowByRow.Length, batched.Length);
            for (int i = 0; i < batched.Length; i++)
                for (int k = 0; k < batched[i].Length; k++) Assert.Equal(rowByRow[i][k], batched[i][k], 1e-5);
        }
    }
}
