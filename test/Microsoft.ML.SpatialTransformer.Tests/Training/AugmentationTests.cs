using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    public class AugmentationTests
    {
        [Fact]
        public void ZeroRangesLeaveTheImagesAsTheyAre()
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(3);
            var x = rand(4, 2, 9, 7);                                         // [N,C,H,W]
            var augmentation = new RandomAffineAugmentation(0, 0, 0);
            Assert.False(augmentation.IsActive);
            TensorChecks.AssertClose(x, augmentation.Apply(x, generator), 1e-5);
        }

        [Fact]
        public void ThetaFollowsTheDocumentedDistributionFromTheGeneratorsDraws()
        {
            using var scope = NewDisposeScope();
            var augmentation = new RandomAffineAugmentation(30, 0.2, 0.1);
            using var generator = new Generator(11);
            var theta = augmentation.DrawTheta(5, generator).data<float>().ToArray(); // [5*6]
            using var same = new Generator(11);
            var u = rand(new long[] { 5, 4 }, generator: same).data<float>().ToArray(); // the same draws, in [0, 1)
            for (int i = 0; i < 5; i++)
            {
                double a = (2 * u[4 * i] - 1) * 30 * Math.PI / 180, s = 1 + (2 * u[4 * i + 1] - 1) * 0.2;
                double tx = (2 * u[4 * i + 2] - 1) * 0.2, ty = (2 * u[4 * i + 3] - 1) * 0.2;
                var expected = new[] { s * Math.Cos(a), -s * Math.Sin(a), tx, s * Math.Sin(a), s * Math.Cos(a), ty };
                for (int k = 0; k < 6; k++) Assert.Equal(expected[k], theta[6 * i + k], 1e-5);
                // |scale|
                Assert.InRange(Math.Sqrt(theta[6 * i] * theta[6 * i] + theta[6 * i + 3] * theta[6 * i + 3]), 0.8 - 1e-6,
                    1.2 + 1e-6);
            }
        }

        [Fact]
        public void AWholeImageShiftMovesAPixelByTheDrawnTranslation()
        {
            // Translation only: theta = [1, 0, tx, 0, 1, ty]; with a single bright pixel the output's brightest pixel
            // sits where the inverse map sends it: x_out = x_in - tx * W / 2 (in pixels).
            using var scope = NewDisposeScope();
            var augmentation = new RandomAffineAugmentation(0, 0, 0.25);
            using var generator = new Generator(5);
            var x = zeros(1, 1, 16, 16);
            x[0, 0, 8, 8] = tensor(1f);
            using var same = new Generator(5);
            var theta = augmentation.DrawTheta(1, same).data<float>().ToArray();
            var y = augmentation.Apply(x, generator);
            long brightest = y.view(-1).argmax().item<long>();
            double expectedX = 8 - theta[2] * 16 / 2, expectedY = 8 - theta[5] * 16 / 2;
            Assert.InRange(brightest % 16, Math.Floor(expectedX) - 0, Math.Ceiling(expectedX));
            Assert.InRange(brightest / 16, Math.Floor(expectedY) - 0, Math.Ceiling(expectedY));
        }

        [Fact]
        public void OutOfRangeSettingsAreRefusedByName()
        {
            var ml = new MLContext(1);
            Assert.Contains("AugmentScale",
                Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.StCnn(
                new StCnnTrainer.Options { AugmentScale = 1 })).Message);
            Assert.Contains("AugmentRotationDegrees",
                Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.StCnn(
                new StCnnTrainer.Options { AugmentRotationDegrees = -1 })).Message);
            Assert.Contains("AugmentTranslation",
                Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.StCnn(
                new StCnnTrainer.Options { AugmentTranslation = double.NaN })).Message);
        }

        [Fact]
        public void AugmentedTrainingIsSeededAndChangesTheModel()
        {
            float[][] Scores(int seed, double rotation)
            {
                var ml = new MLContext(seed);
                var train = ml.Data.LoadFromEnumerable(SyntheticImages.Make(96, 5));
                var model = SyntheticImages.KeyLabel(ml)
                    .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
                {
                    FeatureColumnName = "Pixels", Classifier = ClassifierKind.Fcn,
                    Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 }, MaxEpochs = 2,
                    BatchSize = 32, AugmentRotationDegrees = rotation, AugmentTranslation = rotation > 0 ? 0.1 : 0,
                })).Fit(train);
                return model.Transform(train).GetColumn<float[]>("Score").ToArray();
            }
            var augmented = Scores(7, 20);
            Assert.Equal(augmented, Scores(7, 20));
            Assert.NotEqual(augmented, Scores(7, 0));
        }
    }
}
