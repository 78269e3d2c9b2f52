using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Whether an epoch's training loss and accuracy are what a classifier that ignores its input gets: cross-entropy
    /// near ln K (uniform probabilities) and accuracy near 1/K or the majority class's share. A model trained to that
    /// point has learned nothing, and the user should hear why it may be.
    /// </summary>
    internal static class ChanceLevel
    {
        /// <summary>|loss - ln K| below this fraction of ln K counts as chance.</summary>
        public const double LossTolerance = 0.02;

        /// <summary>Accuracy up to this much above the better of 1/K and the majority share counts as chance.</summary>
        public const double AccuracyTolerance = 0.05;

        public static bool IsAtChance(double loss, double accuracy, int classes, double majorityShare)
        {
            if (classes < 2 || !double.IsFinite(loss)) return false;
            double chanceLoss = Math.Log(classes);
            double chanceAccuracy = Math.Max(1.0 / classes, majorityShare);
            return Math.Abs(loss - chanceLoss) < LossTolerance * chanceLoss && accuracy <= chanceAccuracy
                + AccuracyTolerance;
        }

        /// <summary>
        /// The share of the most frequent label among <paramref name="labels"/> (0-based class indices).
        /// </summary>
        public static double MajorityShare(ReadOnlySpan<int> labels, int classes)
        {
            if (labels.Length == 0) return 0;
            var counts = new long[classes];
            foreach (int label in labels)
                if (label >= 0 && label < classes) counts[label]++;
            long max = 0;
            foreach (long count in counts) max = Math.Max(max, count);
            return (double)max / labels.Length;
        }

        // The large-image default, which let the ST-CNN leave chance where the full rate did not (README).
        private const double Steadier = TrainingSettings.Defaults.LargeImageLocalisationLearningRateMultiplier;

        /// <summary>
        /// The warning for MLContext.Log, naming the likely causes; <paramref name="localisationMultiplier"/> is the
        /// localisation networks' learning-rate multiplier, null for a network without spatial transformers.
        /// </summary>
        public static string Explain(string task, EpochMetrics last, int classes, bool inputNormalised,
            double? localisationMultiplier) =>
            $"{task}: after epoch {last.Epoch} the training loss ({last.TrainLoss:F4}) is still that of chance (ln " +
            $"{classes} = {Math.Log(classes):F4}) " +
            $"and the training accuracy ({last.TrainAccuracy:P1}) no better than guessing: the model has learned " +
            "nothing from the images. Likely causes: " +
            (inputNormalised ? "" : "the pixel values are not scaled (InputNormalization is None; set it to " +
                "PerChannelMeanStd, or scale the pixels to 0-1, e.g. ExtractPixels' scaleImage: 1f/255); ") +
            "a learning rate too high or too low; " +
            (localisationMultiplier is double m && m > Steadier
                ? $"localisation networks that learn too fast (LocalisationLearningRateMultiplier is {m:G4}; at " +
                    $"{Steadier:G4} the spatial transformer's start is steadier); "
                : "") +
            "labels that are not related to the images; too few epochs.";
    }
}
