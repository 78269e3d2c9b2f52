using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>Issue 12: a fit that ends at chance says so in MLContext.Log, naming the likely causes.</summary>
    public class ChanceWarningTests
    {
        private static ConcurrentBag<string> Warnings(bool shuffleLabels,
            SpatialTransformKind transform = SpatialTransformKind.None, double? localisationMultiplier = null)
        {
            var ml = new MLContext(seed: 2);
            var warnings = new ConcurrentBag<string>();
            ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) warnings.Add(e.Message); };
            var rows = SyntheticImages.Make(384, 9);
            if (shuffleLabels)
            {
                var random = new Random(4);
                var sides = rows.Select(r => r.Side).OrderBy(_ => random.Next()).ToArray();
                for (int i = 0; i < rows.Length; i++) rows[i].Side = sides[i];
            }
            var data = ml.Data.LoadFromEnumerable(rows);
            SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                // A small CNN on many rows: too few weights to memorise shuffled labels in a few epochs.
                FeatureColumnName = "Pixels", Transform = transform, Classifier = ClassifierKind.Cnn,
                ClassifierWidths = new[] { 4, 4 }, MaxEpochs = 2, BatchSize = 32, LearningRate = 1e-3,
                LocalisationLearningRateMultiplier = localisationMultiplier,
            })).Fit(data);
            return warnings;
        }

        [Fact]
        public void ShuffledLabelsWarnThatTheModelIsAtChance()
        {
            var warning = Assert.Single(Warnings(shuffleLabels: true), m => m.Contains("chance"));
            Assert.Contains("ln 2", warning);
            Assert.Contains("labels that are not related to the images", warning);
            Assert.Contains("learning rate", warning);
            Assert.Contains("too few epochs", warning);
            Assert.DoesNotContain("LocalisationLearningRateMultiplier", warning); // no spatial transformer
        }

        [Theory]
        [InlineData(1.0, true)]
        [InlineData(0.1, false)]
        public void WithASpatialTransformerAtTheFullRateTheWarningNamesTheLocalisationRate(double multiplier,
            bool named)
        {
            var warning = Assert.Single(Warnings(shuffleLabels: true, SpatialTransformKind.Affine, multiplier),
                m => m.Contains("chance"));
            Assert.Equal(named, warning.Contains("localisation networks that learn too fast " +
                "(LocalisationLearningRateMultiplier is 1; at 0.1"));
        }

        [Fact]
        public void ALearnableTaskDoesNotWarn()
        {
            Assert.DoesNotContain(Warnings(shuffleLabels: false), m => m.Contains("chance"));
        }
    }
}
