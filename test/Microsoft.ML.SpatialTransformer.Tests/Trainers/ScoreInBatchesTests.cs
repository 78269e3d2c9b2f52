using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    public class ScoreInBatchesTests
    {
        private static (MLContext Ml, IDataView Data, StCnnModelParameters Model,
            float[][] RowByRowScores) Trained(int parallel)
        {
            var ml = new MLContext(seed: 4);
            var rows = ml.Data.LoadFromEnumerable(SyntheticImages.Make(70, 4));
            var keyed = SyntheticImages.KeyLabel(ml).Fit(rows).Transform(rows);
            var transformer = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 16 },
                Classifier = ClassifierKind.Fcn, ParallelTransformers = parallel, MaxEpochs = 1, BatchSize = 16,
            }).Fit(keyed);
            return (ml, keyed, transformer.Model, transformer.Transform(keyed).GetColumn<float[]>("Score").ToArray());
        }

        [Fact]
        public void ScoresEqualTheRowByRowPathAndThetasEqualTheSpatialTransformers()
        {
            var (ml, data, model, rowByRow) = Trained(parallel: 2);
            var scored = model.ScoreInBatches(data, "Pixels", batchSize: 32); // 70 rows: batches of 32, 32 and 6
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            Assert.Equal(70, scores.Length);
            for (int i = 0; i < scores.Length; i++)
            {
                Assert.Equal(rowByRow[i].Length, scores[i].Length);
                for (int k = 0; k < scores[i].Length; k++) Assert.Equal(rowByRow[i][k], scores[i][k], 1e-5);
                Assert.Equal(Array.IndexOf(rowByRow[i], rowByRow[i].Max()), Array.IndexOf(scores[i], scores[i].Max()));
            }
            // Each theta column is what that spatial transformer alone computes for the row.
            foreach (var (column, index) in new[] { ("Theta", 0), ("Theta1", 1) })
            {
                var st = model.GetSpatialTransformer(index, "Pixels", "Warped", "StTheta");
                var expected = st.Transform(data).GetColumn<float[]>("StTheta").ToArray();
                var actual = scored.GetColumn<float[]>(column).ToArray();
                for (int i = 0; i < expected.Length; i++)
                    for (int p = 0; p < 6; p++) Assert.Equal(expected[i][p], actual[i][p], 1e-5);
            }
            // Source columns pass through untouched.
            Assert.Equal(data.GetColumn<float[]>("Pixels").ToArray(), scored.GetColumn<float[]>("Pixels").ToArray());
        }

        [Fact]
        public void BadInputGetsMLNetsSchemaMismatchWording()
        {
            var (ml, data, model, _) = Trained(parallel: 1);
            var e = Assert.ThrowsAny<Exception>(() => model.ScoreInBatches(data, "Nope"));
            Assert.Contains("Nope", e.Message);
            var wrong = ml.Data.LoadFromEnumerable(new[] { new Small { Pixels = new float[10] } });
            e = Assert.ThrowsAny<Exception>(() => model.ScoreInBatches(wrong, "Pixels"));
            Assert.Contains("Schema mismatch for input column 'Pixels': expected Vector<Single, 1, 12, " +
                "12>, got Vector<Single, 10>", e.Message);
            Assert.Equal("batchSize", Assert.ThrowsAny<ArgumentException>(() => model.ScoreInBatches(data, "Pixels", 0))
                .ParamName);
        }

        private sealed class Small
        {
            [VectorType(10)] public float[] Pixels { get; set; }
        }
    }
}
