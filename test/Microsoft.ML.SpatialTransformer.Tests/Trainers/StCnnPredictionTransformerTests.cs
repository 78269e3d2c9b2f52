using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>
    /// What Fit returns (issue 13, item 2): the project's prediction transformer, with ML.NET's multiclass scorer's
    /// columns, scoring model.Transform in batches; everything through the public API, as a user would.
    /// </summary>
    public class StCnnPredictionTransformerTests
    {
        private static StCnnTrainer.Options Tiny(int epochs = 1) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, MaxEpochs = epochs, BatchSize = 16,
            LearningRate = 3e-3,
        };

        private static (MLContext Ml, IDataView Keyed, StCnnPredictionTransformer Model) Trained(int rows = 64,
            int epochs = 1)
        {
            var ml = new MLContext(seed: 7);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(rows, 7));
            var keyed = SyntheticImages.KeyLabel(ml).Fit(data).Transform(data);
            return (ml, keyed, ml.MulticlassClassification.Trainers.StCnn(Tiny(epochs)).Fit(keyed));
        }

        [Fact]
        public void FitReturnsTheProjectsPredictionTransformer()
        {
            var (_, _, model) = Trained();
            Assert.IsType<StCnnPredictionTransformer>(model);
            Assert.IsAssignableFrom<ISingleFeaturePredictionTransformer<StCnnModelParameters>>(model);
            Assert.Equal("Pixels", model.FeatureColumnName);
        }

        [Fact]
        public void OutputSchemaIsThatOfMLNetsMulticlassScorer()
        {
            var (ml, keyed, model) = Trained();
            // The reference: a multiclass trainer of ML.NET itself on the same columns.
            var reference = ml.MulticlassClassification.Trainers.NaiveBayes("Label", "Pixels").Fit(keyed);
            SchemaAssert.Equal(reference.Transform(keyed).Schema, model.Transform(keyed).Schema);
            SchemaAssert.Equal(reference.GetOutputSchema(keyed.Schema), model.GetOutputSchema(keyed.Schema));
            SchemaAssert.Equal(model.Transform(keyed).Schema, ((ITransformer)model).GetRowToRowMapper(keyed.Schema)
                .OutputSchema);

            // Input that already has a Score column: hidden the way ML.NET's scorer hides it.
            var withScore = ml.Transforms.CopyColumns("Score", "Pixels").Fit(keyed).Transform(keyed);
            SchemaAssert.Equal(reference.Transform(withScore).Schema, model.Transform(withScore).Schema);
            Assert.Equal(keyed.GetColumn<float[]>("Pixels").ToArray(), model.Transform(withScore).GetColumn<float[]>(
                model.Transform(withScore).Schema.First(c => c.Name == "Score" && c.IsHidden)).ToArray());
        }

        [Fact]
        public void TransformIsTheBatchedPathAndPredictedLabelIsTheScoresArgMax()
        {
            var (ml, keyed, model) = Trained(rows: 300);
            var scored = model.Transform(keyed);
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            // Row by row (ML.NET's scorer alone) and in batches of 256 differ in the last bits for many rows, so
            // equality with ScoreInBatches, and not with the row mapper, shows which path Transform took.
            Assert.Equal(model.Model.ScoreInBatches(keyed).GetColumn<float[]>("Score").ToArray(), scores);
            var keys = scored.GetColumn<uint>("PredictedLabel").ToArray();
            for (int i = 0; i < scores.Length; i++)
                Assert.Equal((uint)Array.IndexOf(scores[i], scores[i].Max()) + 1, keys[i]);
        }

        [Fact]
        public void EvaluateOnTenThousandRowsMapKeyToValueAndPermutationFeatureImportanceWork()
        {
            var ml = new MLContext(seed: 8);
            var train = ml.Data.LoadFromEnumerable(SyntheticImages.Make(256, 8));
            var pipeline = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(Tiny(epochs: 3)));
            var model = pipeline.Fit(train);
            var test = ml.Data.LoadFromEnumerable(SyntheticImages.Make(10_000, 9));
            var scored = model.Transform(test);
            var metrics = ml.MulticlassClassification.Evaluate(scored);
            // The evaluator's accuracy is the share of rows whose PredictedLabel is the Label, counted here
            // independently.
            var labels = scored.GetColumn<uint>("Label").ToArray();
            var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
            Assert.Equal(10_000, labels.Length);
            Assert.Equal(labels.Zip(predicted, (l, p) => l == p ? 1.0 : 0.0).Average(), metrics.MicroAccuracy, 1e-12);
            Assert.True(metrics.MicroAccuracy > 0.8, $"accuracy {metrics.MicroAccuracy}");
            Assert.True(double.IsFinite(metrics.LogLoss));

            var sides = ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel").Fit(scored)
                .Transform(scored);
            var expected = test.GetColumn<string>("Side").ToArray();
            var named = sides.GetColumn<string>("PredictedSide").ToArray();
            Assert.Equal(labels.Zip(predicted, (l, p) => l == p).Count(x => x),
                expected.Zip(named, (e, n) => e == n).Count(x => x));

            var keyedSmall = SyntheticImages.KeyLabel(ml).Fit(train)
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 10)));
            var importance = ml.MulticlassClassification.PermutationFeatureImportance(model.LastTransformer, keyedSmall,
                permutationCount: 1);
            Assert.Equal(144, importance.Length);
            Assert.Contains(importance, s => s.LogLoss.Mean != 0); // permuting a pixel changes the scores
        }

        [Fact]
        public void PredictionEngineScoresRowByRowAndAgreesWithTransformWithinTheDocumentedBound()
        {
            var (ml, _, _) = Trained();
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(300, 11));
            var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Tiny()))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel")).Fit(data);
            var batched = model.Transform(data);
            var scores = batched.GetColumn<float[]>("Score").ToArray();
            var sides = batched.GetColumn<string>("PredictedSide").ToArray();
            using var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, SyntheticImages.Prediction>(model);
            var rows = SyntheticImages.Make(300, 11);
            var mapper = ((ITransformer)model).GetRowToRowMapper(data.Schema);
            var rowByRow = RowMapperScores(mapper, data);
            for (int i = 0; i < rows.Length; i++)
            {
                var prediction = engine.Predict(rows[i]);
                Assert.Equal(rowByRow[i], prediction.Score); // the engine is the row mapper: the same bits
                for (int k = 0; k < 2; k++)
                    Assert.True(Math.Abs(prediction.Score[k] - scores[i][k]) <= ScoreBound,
                        $"row {i}: {prediction.Score[k]} vs {scores[i][k]}");
                if (Math.Abs(scores[i][0] - scores[i][1]) > 2 * ScoreBound)
                    Assert.Equal(sides[i], prediction.PredictedSide);
            }
        }

        /// <summary>README's bound between a single-image score and the same row's batched score
        /// (probabilities).</summary>
        internal const float ScoreBound = 1e-6f;

        private static float[][] RowMapperScores(IRowToRowMapper mapper, IDataView data)
        {
            var column = mapper.OutputSchema["Score"];
            using var cursor = data.GetRowCursor(mapper.GetDependencies(new[] { column }));
            using var row = mapper.GetRow(cursor, new[] { column });
            var getter = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            var result = new System.Collections.Generic.List<float[]>();
            while (cursor.MoveNext()) { getter(ref value); result.Add(value.DenseValues().ToArray()); }
            return result.ToArray();
        }

        [Fact]
        public void SavedAndLoadedInAFreshProcessItIsTheSameTypeAndScoresTheSameBits()
        {
            var ml = new MLContext(seed: 12);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 12));
            var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Tiny()))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel")).Fit(data);
            var test = ml.Data.LoadFromEnumerable(SyntheticImages.Make(600, 13));
            var here = model.Transform(test);

            using var dir = new TempDirectory();
            ml.Model.Save(model, data.Schema, dir.File("model.zip"));
            var types = ModelRunnerProcess.Run(new[] { "--describe", dir.File("model.zip") })
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(typeof(StCnnPredictionTransformer).FullName, types[1].Trim());
            var fresh = ModelRunnerProcess.Transform(ml, dir.File("model.zip"), test, dir.Path);
            Assert.Equal(here.GetColumn<float[]>("Score").ToArray(), fresh.GetColumn<float[]>("Score").ToArray());
            Assert.Equal(here.GetColumn<string>("PredictedSide").ToArray(),
                fresh.GetColumn<string>("PredictedSide").ToArray());

            var loaded = (TransformerChain<ITransformer>)ml.Model.Load(dir.File("model.zip"), out _);
            var reloaded = Assert.IsType<StCnnPredictionTransformer>(loaded.ElementAt(1));
            Assert.Equal("Pixels", reloaded.Model.FeatureColumnName);
            SchemaAssert.Equal(here.Schema, loaded.Transform(test).Schema);
        }

        [Fact]
        public void ScoreInBatchesAndGetSpatialTransformerDefaultToTheTrainedColumn()
        {
            var (ml, keyed, model) = Trained();
            // no column named: "Pixels"
            var scores = model.Model.ScoreInBatches(keyed).GetColumn<float[]>("Score").ToArray();
            Assert.Equal(model.Transform(keyed).GetColumn<float[]>("Score").ToArray(), scores);
            var canonical = model.Model.GetSpatialTransformer().Transform(keyed).GetColumn<float[]>("Theta").ToArray();
            Assert.Equal(model.Model.ScoreInBatches(keyed).GetColumn<float[]>("Theta").ToArray().Length,
                canonical.Length);
        }
    }
}
