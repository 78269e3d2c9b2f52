using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer;
using ScottPlot;

namespace DistortedMnist
{
    /// <summary>
    /// Loss and accuracy per epoch, from a trainer's history (StCnnModelParameters.History), as one PNG (ScottPlot):
    /// training curves solid, validation curves (where a ValidationSet was given) dashed.
    /// </summary>
    /// <remarks>
    /// This lives in the app, not in the library: ScottPlot 5.1 brings SkiaSharp 3, and ML.NET 5.0.1's MLImage.Pixels
    /// (used by ExtractPixels) calls a SkiaSharp 2.88 method that SkiaSharp 3 removed, so a library carrying ScottPlot
    /// would break every user's ImageAnalytics pipeline. An app that plots this way must not also read MLImage pixels.
    /// </remarks>
    public static class TrainingCurves
    {
        /// <summary>Plots one model's history.</summary>
        public static void Save(IReadOnlyList<EpochMetrics> history, string path, int width = 900, int height = 420)
            => Save(new[] { new KeyValuePair<string, IReadOnlyList<EpochMetrics>>("model", history) }, path,
                width, height);

        /// <summary>Plots several models' histories, each under its name in the legend.</summary>
        public static void Save(IEnumerable<KeyValuePair<string, IReadOnlyList<EpochMetrics>>> histories, string path,
            int width = 900, int height = 420)
        {
            if (histories is null) throw new ArgumentNullException(nameof(histories));
            var series = histories.ToList();
            if (series.Count == 0) throw new ArgumentException("At least one history is required.", nameof(histories));
            foreach (var (name, history) in series)
                if (history is null || history.Count == 0)
                    throw new ArgumentException($"The history of '{name}' holds no epochs; train " +
                        "at least one epoch first.", nameof(histories));
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("A file path is required.", nameof(path));
            if (width < 100 || height < 100) throw new ArgumentOutOfRangeException(nameof(width),
                $"The picture must be at least 100 x 100 pixels; got {width} x {height}.");

            var plot = new Multiplot();
            plot.AddPlots(2);
            var loss = plot.GetPlot(0);
            var accuracy = plot.GetPlot(1);
            foreach (var (name, history) in series)
            {
                double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
                loss.Add.Scatter(epochs, history.Select(h => h.TrainLoss).ToArray()).LegendText = $"{name} (train)";
                accuracy.Add.Scatter(epochs, history.Select(h => 100 * h.TrainAccuracy).ToArray())
                    .LegendText = $"{name} (train)";
                if (history.All(h => h.ValidationLoss is not null))
                {
                    var l = loss.Add.Scatter(epochs, history.Select(h => h.ValidationLoss.Value).ToArray());
                    l.LegendText = $"{name} (validation)";
                    l.LinePattern = LinePattern.Dashed;
                    var a = accuracy.Add.Scatter(epochs, history.Select(h => 100 * h.ValidationAccuracy.Value)
                        .ToArray());
                    a.LegendText = $"{name} (validation)";
                    a.LinePattern = LinePattern.Dashed;
                }
            }
            loss.Title("Loss");
            loss.XLabel("epoch");
            loss.ShowLegend();
            accuracy.Title("Accuracy %");
            accuracy.XLabel("epoch");
            accuracy.ShowLegend();

            string full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            string temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".tmp.png");
            plot.SavePng(temp, width, height);
            File.Move(temp, full, overwrite: true);
        }
    }
}
