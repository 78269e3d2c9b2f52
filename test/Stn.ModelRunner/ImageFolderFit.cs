using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Trainers;

/// <summary>
/// One StCnn Fit of an ImageAnalytics flow from a folder of PNG files (index.tsv: file name, label), with or without
/// AppendCacheCheckpoint, for the benchmarks' images command; prints "read s, fit s, peak MiB".
/// </summary>
internal static class ImageFolderFit
{
    private sealed class PngRow
    {
        public string Path { get; set; }
        public string Label { get; set; }
    }

    /// <summary>
    /// One Fit in this process of <paramref name="epochs"/> epochs, or, with a positive <paramref
    /// name="budgetMinutes"/>, of that training time budget (the cosine schedule fitted to it, as in the colour
    /// benchmark); prints "read s, fit s, peak MiB, test accuracy".
    /// </summary>
    public static int Run(string directory, int size, int epochs, string mode, double budgetMinutes)
    {
        var ml = new MLContext(seed: 1);
        // The trainer's own epoch lines and warnings, as a user watching MLContext.Log sees them (stderr: the
        // benchmark reads the last stdout line).
        ml.Log += (_, e) =>
        {
            if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning || e.Message.Contains(": lr "))
                Console.Error.WriteLine(e.Message);
        };
        IDataView Split(string name) =>
            ml.Data.LoadFromEnumerable(File.ReadLines(Path.Combine(directory, name + ".tsv"))
            .Select(l => l.Split('\t')).Select(f => new PngRow { Path = f[0], Label = f[1] }).ToArray());
        var data = Split("train");
        var watch = Stopwatch.StartNew();
        double read = double.NaN;
        var progress = new Progress(p => { if (double.IsNaN(read)) read = watch.Elapsed.TotalSeconds; });
        var pixels = ml.Transforms.LoadImages("Image", directory, nameof(PngRow.Path))
            .Append(ml.Transforms.ResizeImages("Image", size, size))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
            .Append(ml.Transforms.DropColumns("Image"));
        var trainer = ml.Transforms.Conversion.MapValueToKey(nameof(PngRow.Label))
            .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                // The trainer's defaults for a 128 px colour image (downsampling ST to 48x48, pooled heads) with the
                // colour benchmark's classifier: batch norm, widths 16 and 32.
                FeatureColumnName = "Pixels", MaxEpochs = epochs, Progress = progress,
                BatchNorm = true, ClassifierWidths = new[] { 16, 32 },
                TrainingTimeBudget = budgetMinutes > 0 ? TimeSpan.FromMinutes(budgetMinutes) : null,
            }));
        var model = mode == "cached" ? pixels.AppendCacheCheckpoint(ml).Append(trainer).Fit(data)
            : pixels.Append(trainer).Fit(data);
        double fit = watch.Elapsed.TotalSeconds, peak = PeakResidentMiB();
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(Split("test"))).MicroAccuracy;
        Console.WriteLine($" {read,7:F1} {fit,7:F1} {peak,9:F0} {accuracy,14:P1}");
        return 0;
    }

    // VmHWM: the process's peak resident set.
    private static double PeakResidentMiB()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? double.NaN
            : long.Parse(line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    // Called on the training thread.
    private sealed class Progress : IProgress<TrainingProgress>
    {
        private readonly Action<TrainingProgress> _report;
        public Progress(Action<TrainingProgress> report) => _report = report;
        public void Report(TrainingProgress value) => _report(value);
    }
}
