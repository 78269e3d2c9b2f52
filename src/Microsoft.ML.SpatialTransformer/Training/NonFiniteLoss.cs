using System;
using System.Globalization;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Says what made the training loss NaN or infinite. Settings are refused up front (OptionChecks) and rows with
    /// NaN or infinite pixels are skipped (LabeledImages), so what is left is either the inputs (finite but so large
    /// that the network overflows on them) or the optimisation diverging. Only the second is the learning rate's doing.
    /// </summary>
    internal static class NonFiniteLoss
    {
        /// <summary>
        /// A fresh network's loss on well-scaled inputs is about ln(classes); a first loss this many times larger says
        /// the inputs, not the training, are out of range (pixels in [0, 255] stay well below it; 1e30 goes far above).
        /// </summary>
        internal const double FirstLossFactor = 1000;

        /// <param name="loss">The non-finite loss.</param>
        /// <param name="epoch">1-based epoch.</param>
        /// <param name="batch">1-based batch within the epoch.</param>
        /// <param name="steps">Optimizer steps taken before this batch.</param>
        /// <param name="firstLoss">The loss of the fit's first batch (before any step); NaN if none was finite.</param>
        /// <param name="learningRate">The base learning rate.</param>
        /// <param name="featureColumn">The image column.</param>
        /// <param name="maxMagnitude">The largest absolute pixel value of the training rows.</param>
        /// <param name="classes">Number of classes.</param>
        public static string Explain(double loss, int epoch, int batch, long steps, double firstLoss,
            double learningRate,
            string featureColumn, float maxMagnitude, long classes)
        {
            string where = $"The training loss became {F(loss)} in epoch {epoch}, batch {batch}";
            string scale = $"The input column '{featureColumn}' holds values of magnitude up to {F(maxMagnitude)}; " +
                "scale them to a small range, for example [0, 1] (ExtractPixels with scaleImage: 1f / " +
                "255, or NormalizeMinMax).";
            if (steps == 0)
                return $"{where}, before any training step: the network's first forward pass " +
                    $"overflowed on the inputs. {scale}";
            double fresh = Math.Log(Math.Max(2, classes));
            if (firstLoss > FirstLossFactor * fresh)
                return $"{where}. The inputs are out of range: the first batch, before any training " +
                    "step, already had a loss of " +
                    $"{F(firstLoss)}, where a fresh network on well-scaled inputs gives about " +
                    $"{F(Math.Round(fresh, 2))}. {scale}";
            return $"{where}. Try a lower learning rate (now {F(learningRate)}) or gradient " +
                "clipping (GradientClipNorm).";
        }

        private static string F(double value) => value switch
        {
            double.PositiveInfinity => "Infinity",
            double.NegativeInfinity => "-Infinity",
            _ => value.ToString("G4", CultureInfo.InvariantCulture),
        };
    }
}
