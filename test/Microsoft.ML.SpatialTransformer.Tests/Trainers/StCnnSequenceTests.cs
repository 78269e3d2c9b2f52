using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Onnx;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>The digit-sequence reader: training, scoring, save/load in a fresh process, ONNX, evaluation, bad
    /// labels.</summary>
    public class StCnnSequenceTests
    {
        private static StCnnSequenceEstimator.Options Small(SpatialTransformKind transform, int series, int epochs)
            => new()
        {
            Transform = transform, SeriesTransformers = series, MaxEpochs = epochs, BatchSize = 32,
            ClassifierWidths = new[] { 8, 16 }, LocalisationWidths = new[] { 8, 8, 16 },
            Localisation = LocalisationNetworkKind.Cnn,
        };

        // A reader trained for one epoch on rows of the tiny set.
        private static StCnnSequenceTransformer OneEpoch(MLContext ml, SpatialTransformKind transform, int series,
            int rows, int seed) =>
            ml.MulticlassClassification.Trainers.StCnnSequence(Small(transform, series, 1))
                .Fit(SequenceData.Rows(ml, rows, seed));

        [Theory]
        [InlineData(SpatialTransformKind.None, 0)]
        [InlineData(SpatialTransformKind.Affine, 0)]
        [InlineData(SpatialTransformKind.Affine, 2)]
        public void OnATinySet_TheLossFalls(SpatialTransformKind transform, int series)
        {
            var ml = new MLContext(seed: 1);
            var estimator = ml.MulticlassClassification.Trainers.StCnnSequence(Small(transform, series, epochs: 4));
            var model = estimator.Fit(SequenceData.Rows(ml, 256, seed: 1));
            var history = model.History;
            Assert.Equal(4, history.Count);
            Assert.True(history[^1].TrainLoss < 0.8 * history[0].TrainLoss,
                $"loss {history[0].TrainLoss:F3} -> {history[^1].TrainLoss:F3}");
            Assert.Equal(series > 0 ? series : transform == SpatialTransformKind.None ? 0 : 1,
                model.Network.Transform == SpatialTransformKind.None ? 0
                    : Math.Max(1, model.Network.SeriesTransformers));
        }

        [Fact]
        public void Scores_ArePerPositionSoftmaxes_AndThePredictionReadsThem()
        {
            var ml = new MLContext(seed: 2);
            var model = OneEpoch(ml, SpatialTransformKind.Affine, 0, 64, seed: 2);
            var scored = model.Transform(SequenceData.Rows(ml, 20, seed: 3));
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            var predicted = scored.GetColumn<string>("PredictedSequence").ToArray();
            for (int r = 0; r < scores.Length; r++)
            {
                Assert.Equal(55, scores[r].Length);
                for (int p = 0; p < 5; p++) Assert.Equal(1.0, scores[r].Skip(p * 11).Take(11).Sum(), 1e-4);
                Assert.Equal(StCnnSequenceTransformer.Decode(scores[r]), predicted[r]);
                Assert.Matches("^[0-9]{0,5}$", predicted[r]);
            }
            var type = (Microsoft.ML.Data.VectorDataViewType)scored.Schema["Score"].Type;
            Assert.Equal(new[] { 5, 11 }, type.Dimensions.ToArray());
        }

        public sealed class SequencePrediction
        {
            public string PredictedSequence { get; set; }
            public float[] Score { get; set; }
        }

        [Fact]
        public void Transform_ScoresInBatches_AgreeingWithThePredictionEngine_WhateverTheBatch()
        {
            var ml = new MLContext(seed: 2);
            var model = OneEpoch(ml, SpatialTransformKind.Affine, 0, 64, seed: 2);
            var rows = ml.Data.CreateEnumerable<SequenceData.Row>(SequenceData.Rows(ml, 300, seed: 6), false)
                .ToArray();
            int read = 0;
            var counted = ml.Data.LoadFromEnumerable(rows.Select(r => { read++; return r; }));
            var scored = model.Transform(counted);

            // The first row's score needs a whole batch of 256 rows read: one native call for them all.
            using (var cursor = scored.GetRowCursor(new[] { scored.Schema["Score"] }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
                VBuffer<float> first = default;
                Assert.True(cursor.MoveNext());
                getter(ref first);
                Assert.Equal(256, read);
            }

            var scores = scored.GetColumn<float[]>("Score").ToArray();
            var texts = scored.GetColumn<string>("PredictedSequence").ToArray();
            Assert.Equal(300, scores.Length);
            // The PredictionEngine's one-row call agrees to README's bound and reads the same text.
            var engine = ml.Model.CreatePredictionEngine<SequenceData.Row, SequencePrediction>(model);
            for (int r = 0; r < rows.Length; r++)
            {
                var one = engine.Predict(rows[r]);
                Assert.Equal(StCnnSequenceTransformer.Decode(scores[r]), texts[r]);
                for (int i = 0; i < 55; i++) Assert.True(Math.Abs(one.Score[i] - scores[r][i]) <= 1e-5f);
                if (ClearlyAhead(scores[r], 2e-5f))
                    Assert.Equal(texts[r], one.PredictedSequence);
            }
            // A row scored alone (a batch of one row and padding) gives the same bits as in the full batch.
            var alone = model.Transform(ml.Data.LoadFromEnumerable(new[] { rows[299] }))
                .GetColumn<float[]>("Score").Single();
            Assert.Equal(scores[299].Select(BitConverter.SingleToInt32Bits),
                alone.Select(BitConverter.SingleToInt32Bits));
        }

        // Whether every position's most probable class leads the next by more than margin.
        private static bool ClearlyAhead(float[] scores, float margin) => Enumerable.Range(0, 5).All(p =>
        {
            var sorted = scores.Skip(p * 11).Take(11).OrderDescending().ToArray();
            return sorted[0] - sorted[1] > margin;
        });

        [Fact]
        public void SavedModel_ScoresTheSameBits_InAFreshProcess()
        {
            var ml = new MLContext(seed: 4);
            var train = SequenceData.Rows(ml, 64, seed: 4);
            var model = ml.MulticlassClassification.Trainers.StCnnSequence(Small(SpatialTransformKind.Affine, 2, 1))
                .Fit(train);
            using var dir = new TempDirectory();
            ml.Model.Save(model, train.Schema, dir.File("model.zip"));
            var test = ml.Data.TakeRows(SequenceData.Rows(ml, 30, seed: 5), 30);
            var here = model.Transform(test);
            var fresh = ModelRunnerProcess.Transform(ml, dir.File("model.zip"), test, dir.Path);
            Assert.Equal(here.GetColumn<float[]>("Score").SelectMany(s => s).Select(BitConverter.SingleToInt32Bits),
                fresh.GetColumn<float[]>("Score").SelectMany(s => s).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(here.GetColumn<string>("PredictedSequence"), fresh.GetColumn<string>("PredictedSequence"));
            var loaded = (StCnnSequenceTransformer)ml.Model.Load(dir.File("model.zip"), out _);
            Assert.Equal(model.History.Select(h => h.TrainLoss), loaded.History.Select(h => h.TrainLoss));
        }

        [Fact]
        public void OnnxExport_MatchesTheModel_PerPosition()
        {
            var ml = new MLContext(seed: 6);
            var model = OneEpoch(ml, SpatialTransformKind.Affine, 2, 64, seed: 6);
            var test = SequenceData.Rows(ml, 16, seed: 7);
            var pixels = test.GetColumn<float[]>("Features").ToArray();
            var expected = model.Transform(test).GetColumn<float[]>("Score").ToArray();
            using var stream = new MemoryStream();
            model.ExportOnnx(stream);
            using var session = new InferenceSession(stream.ToArray());
            var input = new DenseTensor<float>(pixels.SelectMany(p => p).ToArray(), new[] { pixels.Length, 1, 32, 32 });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("image", input) });
            var byName = results.ToDictionary(r => r.Name);
            var probabilities = byName["probabilities"].AsTensor<float>();
            Assert.Equal(new[] { pixels.Length, 5, 11 }, probabilities.Dimensions.ToArray());
            var flat = probabilities.ToArray();
            double worst = expected.SelectMany(e => e).Zip(flat, (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(worst <= 1e-4, $"probabilities differ by {worst:E2}");
            var labels = byName["predicted_label"].AsTensor<long>().ToArray();
            for (int r = 0; r < pixels.Length; r++)
                for (int p = 0; p < 5; p++)
                {
                    var row = expected[r].Skip(p * 11).Take(11).ToArray();
                    Assert.Equal(Array.IndexOf(row, row.Max()), labels[r * 5 + p]);
                }
        }

        [Fact]
        public void ConvertToOnnx_WritesTheScoresAndTheTextOfTheModel()
        {
            var ml = new MLContext(seed: 6);
            var model = OneEpoch(ml, SpatialTransformKind.Affine, 2, 64, seed: 6);
            var rows = SequenceData.Rows(ml, 16, seed: 7);
            var test = ml.Data.LoadFromEnumerable(rows.GetColumn<float[]>("Features")
                .Zip(rows.GetColumn<string>("Label"), (f, l) => new SequenceData.Row { Features = f, Label = l })
                .ToArray());
            var scored = model.Transform(test);
            var expected = scored.GetColumn<float[]>("Score").ToArray();
            var texts = scored.GetColumn<string>("PredictedSequence").ToArray();
            using var stream = new MemoryStream();
            ml.Model.ConvertToOnnx(model, test, stream);
            using var session = new InferenceSession(stream.ToArray());
            var pixels = test.GetColumn<float[]>("Features").SelectMany(p => p).ToArray();
            using var results = session.Run(new[]
            {
                NamedOnnxValue.CreateFromTensor("Features", new DenseTensor<float>(pixels, new[] { 16, 1, 32, 32 })),
                NamedOnnxValue.CreateFromTensor("Label", new DenseTensor<string>(
                    test.GetColumn<string>("Label").ToArray(), new[] { 16, 1 })),
            });
            var byName = results.ToDictionary(r => r.Name);
            var score = byName["Score.output"].AsTensor<float>();
            Assert.Equal(new[] { 16, 5, 11 }, score.Dimensions.ToArray());
            double worst = expected.SelectMany(e => e).Zip(score.ToArray(), (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(worst <= 1e-4, $"probabilities differ by {worst:E2}");
            Assert.Equal(texts, byName["PredictedSequence.output"].AsTensor<string>().ToArray());
        }

        [Fact]
        public void ConvertToOnnx_TheTextIsTheDigitsUpToTheFirstNone_ForAnyClasses()
        {
            // The text part of the converted graph alone, fed class arrays a trained model would rarely give.
            var ml = new MLContext(seed: 6);
            var model = OneEpoch(ml, SpatialTransformKind.None, 0, 32, seed: 6);
            using var stream = new MemoryStream();
            ml.Model.ConvertToOnnx(model, SequenceData.WithLabels(ml, "1"), stream);
            var text = OnnxSubgraph.From(stream.ToArray(), firstOp: "Equal", lastOp: "LabelEncoder");
            using var session = new InferenceSession(text.Model);
            var random = new Random(1);
            var classes = new long[1000 * 5];
            for (int i = 0; i < classes.Length; i++)
                classes[i] = random.Next(4) == 0 ? 10 : random.Next(10);  // a none at a quarter of the positions
            classes.AsSpan(0, 5).Fill(10);                                 // the empty sequence
            classes.AsSpan(5, 5).Fill(9);                                  // "99999", the largest number
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(text.Input,
                new DenseTensor<long>(classes, new[] { 1000, 5 })) });
            var actual = results.Single().AsTensor<string>().ToArray();
            for (int r = 0; r < 1000; r++)
            {
                var row = Array.ConvertAll(classes[(r * 5)..(r * 5 + 5)], c => (int)c);
                Assert.Equal(DigitSequenceLabels.Format(row), actual[r]);
            }
            Assert.Equal("", actual[0]);
            Assert.Equal("99999", actual[1]);
        }

        [Fact]
        public void EvaluateSequences_CountsWholeStringsAndPositions()
        {
            var ml = new MLContext(seed: 8);
            var data = ml.Data.LoadFromEnumerable(new[]
            {
                new Pair { Label = "307", PredictedSequence = "307" },
                new Pair { Label = "307", PredictedSequence = "30" },
                new Pair { Label = "12", PredictedSequence = "13" },
                new Pair { Label = "", PredictedSequence = "5" }, // missing label: skipped
            });
            var metrics = ml.MulticlassClassification.EvaluateSequences(data);
            Assert.Equal(3, metrics.RowCount);
            Assert.Equal(1.0 / 3, metrics.SequenceAccuracy, 1e-12);
            Assert.Equal((5 + 4 + 4) / 15.0, metrics.DigitAccuracy, 1e-12);
            Assert.Equal(100 * 2.0 / 3, metrics.SequenceErrorPercent, 1e-9);
        }

        private sealed class Pair
        {
            public string Label { get; set; }
            public string PredictedSequence { get; set; }
        }

        [Theory]
        [InlineData("12a", "character 'a' at position 2")]
        [InlineData("123456", "got '123456' (6 characters)")]
        [InlineData("-1", "character '-' at position 0")]
        public void BadLabel_IsAnErrorNamingTheColumn(string label, string detail)
        {
            var ml = new MLContext(seed: 9);
            var data = SequenceData.WithLabels(ml, "12", label, "3");
            var e = Assert.ThrowsAny<InvalidOperationException>(() =>
                ml.MulticlassClassification.Trainers.StCnnSequence(Small(SpatialTransformKind.None, 0, 1)).Fit(data));
            Assert.Contains("The label column 'Label'", e.Message);
            Assert.Contains(detail, e.Message);
        }

        [Fact]
        public void NonTextLabel_IsASchemaMismatch()
        {
            var ml = new MLContext(seed: 10);
            var data =
                ml.Data.LoadFromEnumerable(new[] { new NumericRow { Features = new float[32 * 32], Label = 3 } });
            var e = Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
                ml.MulticlassClassification.Trainers.StCnnSequence(Small(SpatialTransformKind.None, 0, 1)).Fit(data));
            Assert.Contains("Schema mismatch for label column 'Label': expected String, got Single", e.Message);
        }

        private sealed class NumericRow
        {
            [Microsoft.ML.Data.VectorType(1, 32, 32)] public float[] Features { get; set; }
            public float Label { get; set; }
        }
    }
}
