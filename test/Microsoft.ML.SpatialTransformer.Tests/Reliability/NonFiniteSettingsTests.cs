using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Reliability
{
    /// <summary>
    /// A NaN loss names what is not finite: a setting is refused when the trainer is made (ML.NET's user-argument error
    /// naming the option and the value), over-large inputs are named with their column and magnitude, and only a
    /// diverging loss gets the learning-rate advice.
    /// </summary>
    public class NonFiniteSettingsTests
    {
        private static readonly MLContext Ml = new(seed: 1);

        private static StCnnTrainer.Options Tiny(Action<StCnnTrainer.Options> change = null)
        {
            var o = new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 8 },
                Classifier = ClassifierKind.Fcn, ClassifierWidths = new[] { 8 }, MaxEpochs = 2, BatchSize = 16,
            };
            change?.Invoke(o);
            return o;
        }

        public static TheoryData<string, Action<StCnnTrainer.Options>, string> TrainerSettings => new()
        {
            { "Momentum", o => o.Momentum = double.NaN, "must be in [0, 1); got NaN" },
            { "Momentum", o => o.Momentum = 1, "must be in [0, 1); got 1" },
            { "Momentum", o => o.Momentum = -0.5, "must be in [0, 1); got -0.5" },
            { "WeightDecay", o => o.WeightDecay = -1, "must be 0 or a positive finite number; got -1" },
            { "WeightDecay", o => o.WeightDecay = double.NaN, "got NaN" },
            { "StepDecayFactor", o => o.StepDecayFactor = 0, "must be in (0, 1]; got 0" },
            { "StepDecayFactor", o => o.StepDecayFactor = double.NaN, "must be in (0, 1]; got NaN" },
            { "StepDecayEpochs", o => o.StepDecayEpochs = -1, "must be 0 or positive; got -1" },
            { "TrainingTimeBudget", o => o.TrainingTimeBudget = TimeSpan.Zero, "longer than zero; got 00:00:00" },
            { "TrainingTimeBudget", o => o.TrainingTimeBudget = TimeSpan.FromSeconds(-1), "got -00:00:01" },
            { "LearningRate", o => o.LearningRate = double.PositiveInfinity,
                "must be a positive finite number; got Infinity" },
            { "LearningRate", o => o.LearningRate = double.NaN, "got NaN" },
            { "LocalisationLearningRateMultiplier", o => o.LocalisationLearningRateMultiplier = double.PositiveInfinity,
                "got Infinity" },
            { "GradientClipNorm", o => o.GradientClipNorm = double.PositiveInfinity, "got Infinity" },
            { "Dropout", o => o.Dropout = double.NaN, "must be in [0, 1); got NaN" },
            { "AugmentScale", o => o.AugmentScale = double.NaN, "got NaN" },
            { "AugmentRotationDegrees", o => o.AugmentRotationDegrees = double.NaN, "must be in [0, 180]; got NaN" },
            { "AugmentTranslation", o => o.AugmentTranslation = double.NegativeInfinity, "got -Infinity" },
        };

        [Theory]
        [MemberData(nameof(TrainerSettings))]
        public void TheTrainerRefusesABadSettingUpFrontNamingItAndItsValue(string option,
            Action<StCnnTrainer.Options> change, string words)
        {
            var e = Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
                Ml.MulticlassClassification.Trainers.StCnn(Tiny(change)));
            Assert.Equal(option, e.ParamName);
            Assert.Contains(words, e.Message);
        }

        public static TheoryData<string, Action<SpatialTransformEstimator.Options>, string> LearnedSettings => new()
        {
            { "LearningRate", o => o.LearningRate = double.PositiveInfinity,
                "must be a positive finite number; got Infinity" },
            { "LearningRate", o => o.LearningRate = double.NaN, "must be a positive finite number; got NaN" },
            { "LearningRate", o => o.LearningRate = -1, "must be a positive finite number; got -1" },
            { "MaxEpochs", o => o.MaxEpochs = 0, "must be positive; got 0" },
            { "TrainingBatchSize", o => o.TrainingBatchSize = -3, "must be positive; got -3" },
        };

        [Theory]
        [MemberData(nameof(LearnedSettings))]
        public void TheLearnedSpatialTransformChecksItsSettingsAsTheTrainerDoes(string option,
            Action<SpatialTransformEstimator.Options> change, string words)
        {
            var o = new SpatialTransformEstimator.Options { OutputColumnName = "Canonical", InputColumnName = "Pixels",
                LabelColumnName = "Label" };
            change(o);
            var e = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => Ml.Transforms.SpatialTransform(o));
            Assert.Equal(option, e.ParamName);
            Assert.Contains(words, e.Message);
        }

        private static IDataView Scaled(float factor)
        {
            var rows = SyntheticImages.Make(64, 1);
            foreach (var r in rows)
                for (int i = 0; i < r.Pixels.Length; i++) r.Pixels[i] *= factor;
            return SyntheticImages.KeyLabel(Ml).Fit(Ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(Ml.Data.LoadFromEnumerable(rows));
        }

        [Theory]
        [InlineData(1e30f, "1E+30")]
        [InlineData(1e36f, "1E+36")]
        [InlineData(3e38f, "3E+38")]
        public void OverLargePixelsAreNamedWithTheirColumnAndMagnitudeNotBlamedOnTheLearningRate(float factor,
            string magnitude)
        {
            // Input normalisation (the default) scales such pixels back to trainable values; the diagnosis is for
            // unnormalised ones.
            var options = Tiny();
            options.InputNormalization = InputNormalization.None;
            var e = Assert.ThrowsAny<InvalidOperationException>(() =>
                Ml.MulticlassClassification.Trainers.StCnn(options).Fit(Scaled(factor)));
            Assert.Contains($"The input column 'Pixels' holds values of magnitude up to {magnitude}", e.Message);
            Assert.Contains("scale them", e.Message);
            Assert.DoesNotContain("learning rate", e.Message);
        }

        [Fact]
        public void PixelsThatOverflowTheFirstForwardPassAreNamedBeforeAnyStep()
        {
            // The default CNNs' convolutions overflow float32 on such inputs in the very first batch.
            var options = new StCnnTrainer.Options { FeatureColumnName = "Pixels", MaxEpochs = 1,
                InputNormalization = InputNormalization.None };
            var e = Assert.ThrowsAny<InvalidOperationException>(() =>
                Ml.MulticlassClassification.Trainers.StCnn(options).Fit(Scaled(3e38f)));
            Assert.Contains("in epoch 1, batch 1, before any training step: the network's first forward " +
                "pass overflowed on the inputs", e.Message);
            Assert.Contains("The input column 'Pixels' holds values of magnitude up to 3E+38", e.Message);
            Assert.DoesNotContain("learning rate", e.Message);
        }

        [Fact]
        public void PixelsOfTheUsualRangesTrainWithoutComplaint()
        {
            foreach (float factor in new[] { 1f, 255f, 65535f })
            {
                var model = Ml.MulticlassClassification.Trainers.StCnn(Tiny()).Fit(Scaled(factor)).Model;
                Assert.All(model.History, m => Assert.True(double.IsFinite(m.TrainLoss), $"x{factor}: {m}"));
            }
        }
    }
}
