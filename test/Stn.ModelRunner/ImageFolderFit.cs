using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.Trainers;

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

    /// <summary>One Fit in this process; prints "read s, fit s, peak MiB".</summary>
    public static int Run(string directory, int size, int epochs, string mode)
    {
        var ml = new MLContext(seed: 1);
        var rows = File.ReadLines(Path.Combine(directory, "index.tsv"))
            .Select(l => l.Split('\t')).Select(f => new PngRow { Path = f[0], Label = f[1] }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
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
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 32 },
                Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 16 },
                TransformOutputHeight = 48, TransformOutputWidth = 48, BatchSize = 64, MaxEpochs = epochs, Progress = progress,
            }));
        if (mode == "cached") pixels.AppendCacheCheckpoint(ml).Append(trainer).Fit(data);
        else pixels.Append(trainer).Fit(data);
        Console.WriteLine($" {read,7:F1} {watch.Elapsed.TotalSeconds,7:F1} {PeakResidentMiB(),9:F0}");
        return 0;
    }

    // VmHWM: the process's peak resident set.
    private static double PeakResidentMiB()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? double.NaN : long.Parse(line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    // Called on the training thread.
    private sealed class Progress : IProgress<TrainingProgress>
    {
        private readonly Action<TrainingProgress> _report;
        public Progress(Action<TrainingProgress> report) => _report = report;
        public void Report(TrainingProgress value) => _report(value);
    }
}
