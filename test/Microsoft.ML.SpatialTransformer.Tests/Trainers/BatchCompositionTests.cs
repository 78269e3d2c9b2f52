using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>
    /// model.Transform scores 256 rows per call: a row's result does not depend on the rows that share its call nor on
    /// how many do (a partial batch is padded). Its place in the call can change the last bit: libtorch computes some
    /// matrix products (the tutorial head's 50 -> 10) with kernels that differ by row; README states the bound.
    /// </summary>
    public class BatchCompositionTests
    {
        public sealed class Digit
        {
            [VectorType(1, 28, 28)] public float[] Pixels { get; set; }
            [KeyType(10)] public uint Label { get; set; }
        }

        private static Digit[] Digits(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ => new Digit
            {
                Pixels = Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray(),
                Label = (uint)random.Next(1, 11),
            }).ToArray();
        }

        // The tutorial ST-CNN (PAPER.md) on MNIST-sized rows: its 50 -> 10 head is where libtorch's kernels differ by
        // row.
        private static (MLContext Ml, StCnnPredictionTransformer Model) Tutorial()
        {
            var ml = new MLContext(seed: 2);
            var model = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Tutorial,
                Classifier = ClassifierKind.Tutorial,
                MaxEpochs = 1, BatchSize = 64,
            }).Fit(ml.Data.LoadFromEnumerable(Digits(128, 2)));
            return (ml, model);
        }

        private static float[][] Scores(MLContext ml, ITransformer model, Digit[] rows) =>
            model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").ToArray();

        [Fact]
        public void ARowsScoreDoesNotDependOnTheOtherRowsOfItsCallNorOnHowFullItIs()
        {
            var (ml, model) = Tutorial();
            var rows = Digits(256, 3);
            var others = Digits(256, 5);
            var all = Scores(ml, model, rows);
            Assert.Equal(all[0], Scores(ml, model, new[] { rows[0] })[0]); // alone: one row, padded to the full batch
            foreach (int p in new[] { 0, 1, 2, 5, 127, 128, 200, 255 })
            {
                var mixed = others.ToArray();
                mixed[p] = rows[p];
                Assert.Equal(all[p], Scores(ml, model, mixed)[p]);                    // other rows around it
                // p others before it, the rest padding
                Assert.Equal(all[p], Scores(ml, model, rows.Take(p + 1).ToArray())[p]);
            }
            // A second batch of the same view: rows 256.. of a longer input are scored as a batch of their own.
            var longer = others.Concat(rows.Take(10)).ToArray();
            var tail = Scores(ml, model, longer).Skip(256).ToArray();
            for (int i = 0; i < 10; i++) Assert.Equal(all[i], tail[i]);
        }

        [Fact]
        public void AtAnotherPlaceInItsCallARowsScoreStaysWithinTheDocumentedBound()
        {
            var (ml, model) = Tutorial();
            var rows = Digits(300, 3);
            var all = Scores(ml, model, rows);
            var random = new Random(4);
            var order = Enumerable.Range(0, rows.Length).OrderBy(_ => random.Next()).ToArray();
            var shuffled = Scores(ml, model, order.Select(i => rows[i]).ToArray());
            for (int j = 0; j < order.Length; j++)
                for (int k = 0; k < 10; k++)
                    Assert.True(Math.Abs(all[order[j]][k] - shuffled[j][k])
                        <= StCnnPredictionTransformerTests.ScoreBound,
                        $"row {order[j]} class {k}: {all[order[j]][k]} vs {shuffled[j][k]}");
            var single = Enumerable.Range(0, 20).Select(i => Scores(ml, model, new[] { rows[i] })[0]).ToArray();
            using var engine = ml.Model.CreatePredictionEngine<Digit, Prediction>(model);
            for (int i = 0; i < 20; i++)
                for (int k = 0; k < 10; k++)
                    Assert.True(Math.Abs(engine.Predict(rows[i]).Score[k] - single[i][k])
                        <= StCnnPredictionTransformerTests.ScoreBound);
        }

        public sealed class Prediction
        {
            public float[] Score { get; set; }
        }
    }
}
