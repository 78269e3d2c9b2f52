using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Reliability
{
    /// <summary>
    /// Batch sizes and output sizes whose products pass 2^31: they train, score and warp, or are refused naming the
    /// option, the limit and the value; never an OverflowException, a silent fit without a step, or a 0-length buffer.
    /// </summary>
    public class BatchOverflowTests
    {
        private static StCnnTrainer.Options Tiny(int batchSize) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 8 },
            Classifier = ClassifierKind.Fcn, ClassifierWidths = new[] { 8 }, MaxEpochs = 1, BatchSize = batchSize,
        };

        private static (MLContext Ml, IDataView Data) Keyed(int rows)
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(rows, 1));
            return (ml, SyntheticImages.KeyLabel(ml).Fit(data).Transform(data));
        }

        [Theory]
        [InlineData(int.MaxValue)]
        [InlineData(int.MaxValue - 1)]
        public void ABatchSizeNearIntMaxValueTrainsOnEveryRowInOneBatch(int batchSize)
        {
            var (ml, data) = Keyed(200);
            var trainer = ml.MulticlassClassification.Trainers.StCnn(Tiny(batchSize));
            var model = trainer.Fit(data).Model;
            // One batch of all 200 rows, as BatchSize = 200 gives (the same step; the old batch count overflowed to
            // none).
            var (_, same) = Keyed(200);
            var reference = ml.MulticlassClassification.Trainers.StCnn(Tiny(200)).Fit(same).Model;
            var epoch = Assert.Single(model.History);
            Assert.True(epoch.TrainLoss > 0 && double.IsFinite(epoch.TrainLoss),
                $"no training step was taken: {epoch}");
            Assert.Equal(reference.History[0].TrainLoss, epoch.TrainLoss, 1e-6);
        }

        [Fact]
        public void ScoreInBatchesTakesIntMaxValue()
        {
            var (ml, data) = Keyed(70);
            var model = ml.MulticlassClassification.Trainers.StCnn(Tiny(16)).Fit(data).Model;
            var expected = model.ScoreInBatches(data, "Pixels").GetColumn<float[]>("Score").ToArray();
            var actual = model.ScoreInBatches(data, "Pixels", batchSize: int.MaxValue)
                .GetColumn<float[]>("Score").ToArray();
            Assert.Equal(70, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                for (int k = 0; k < expected[i].Length; k++) Assert.Equal(expected[i][k], actual[i][k], 1e-5);
        }

        private sealed class ThetaRow
        {
            [VectorType(1, 4, 4)] public float[] Image { get; set; }
            [VectorType(6)] public float[] Theta { get; set; }
        }

        private sealed class ColourRow
        {
            [VectorType(3, 4, 4)] public float[] Image { get; set; }
            [VectorType(6)] public float[] Theta { get; set; }
        }

        private static IDataView Identity(MLContext ml, int rows)
            => ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(_ =>
            new ThetaRow { Image = Enumerable.Range(0, 16).Select(v => (float)v).ToArray(),
                Theta = new float[] { 1, 0, 0, 0, 1, 0 } }).ToArray());

        [Fact]
        public void AnOutputLargerThanOneRowCanHoldIsRefusedAtConstructionNamingTheOptionTheLimitAndTheValue()
        {
            var ml = new MLContext(seed: 1);
            var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.SpatialTransform("Out", "Image",
                outputHeight: 50_000, outputWidth: 50_000));
            Assert.Equal("OutputHeight", e.ParamName);
            Assert.Contains($"must be at most {Array.MaxLength} values per row", e.Message);
            Assert.Contains("got 50000 x 50000 = 2500000000", e.Message);
        }

        [Fact]
        public void AnOutputWhoseChannelsPassTheLimitIsRefusedAtFit()
        {
            var ml = new MLContext(seed: 1);
            var data =
                ml.Data.LoadFromEnumerable(
                    new[] { new ColourRow { Image = new float[48], Theta = new float[] { 1, 0, 0, 0, 1, 0 } } });
            // 9e8: fits one channel
            var estimator = ml.Transforms.SpatialTransform("Out", "Image", outputHeight: 30_000, outputWidth: 30_000);
            var e = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(data));
            Assert.Equal("OutputHeight", e.ParamName);
            Assert.Contains("got 3 channels x 30000 x 30000 = 2700000000", e.Message);
        }

        [Fact]
        public void AnOutputWhoseDefaultBatchPassesIntMaxValueWarpsInSmallerBatches()
        {
            // 256 rows x 2900 x 2900 values pass 2^31: the old buffer size overflowed (OverflowException).
            var ml = new MLContext(seed: 1);
            var data = Identity(ml, 3);
            var warped = ml.Transforms.SpatialTransform("Out", "Image", outputHeight: 2900, outputWidth: 2900).Fit(data)
                .Transform(data);
            int rows = 0;
            using (var cursor = warped.GetRowCursor(warped.Schema.Where(c => c.Name == "Out")))
            {
                var get = cursor.GetGetter<VBuffer<float>>(warped.Schema["Out"]);
                var value = default(VBuffer<float>);
                while (cursor.MoveNext())
                {
                    get(ref value);
                    Assert.Equal(2900 * 2900, value.Length);
                    Assert.Contains(value.DenseValues().Take(2900 * 10), v => v > 0);
                    rows++;
                }
            }
            Assert.Equal(3, rows);
        }
    }
}
