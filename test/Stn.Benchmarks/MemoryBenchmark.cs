using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;

namespace Stn.Benchmarks
{
    /// <summary>
    /// Peak resident memory and training speed of StCnn Fit on lazily generated colour images (issue 12: the training
    /// set used to be copied into one array), with the default memory budget and with every row forced to disk. Each
    /// (rows, mode) runs in a child process of its own, so peaks do not mix.
    /// </summary>
    internal static class MemoryBenchmark
    {
        public static int Run(string[] args, int steps)
        {
            var sizes = args.Skip(1).TakeWhile(a => !a.StartsWith("--"))
                .Select(a => (Rows: int.Parse(a), Size: 128)).ToList();
            if (sizes.Count == 0) sizes.AddRange(new[] { (5000, 128), (20000, 128), (80000, 128) });
            if (args.Contains("--large")) sizes.Add((15000, 224));
            Console.WriteLine($"StCnn Fit, 1 epoch{(steps > 0 ? $" cut at {steps} batches" : "")} of 64, lazily " +
                              "generated 3xNxN rows (float32), " +
                              $"{Environment.ProcessorCount} cores; peak = VmHWM of a fresh process per line.");
            Console.WriteLine($"{"rows",7} {"image",9} {"data GB",8} {"storage",8} {"peak MiB",9} " +
                $"{"read s",7} {"train img/s",12}");
            foreach (var (rows, size) in sizes)
                foreach (var mode in new[] { "memory", "disk" })
                {
                    string line = RunChild(rows, size, mode, steps);
                    Console.WriteLine($"{rows,7} {$"3x{size}x{size}",9} {rows * 3.0 * size * size * 4 / 1e9,8:F2} " +
                        $"{mode,8}{line}");
                }
            return 0;
        }

        private static string RunChild(int rows, int size, string mode, int steps)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
            foreach (var a in new[] { typeof(MemoryBenchmark).Assembly.Location, "memory-part", rows.ToString(),
                size.ToString(), mode, steps.ToString() })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.TrimEnd().Split('\n').Last() : "failed (exit code " +
                $"{process.ExitCode}; 137 = killed, e.g. out of memory)";
        }

        /// <summary>One fit in this process; prints "peak MiB, read s, train img/s".</summary>
        public static int Part(int rows, int size, string mode, int steps)
        {
            var ml = new MLContext(seed: 0);
            var data = LazyImages.Make(ml, rows, 3, size);
            using var cts = new CancellationTokenSource();
            var watch = Stopwatch.StartNew();
            double firstBatch = 0, lastBatch = 0;
            int batches = 0;
            var progress = new ProgressReport(p =>
            {
                batches = p.Batch;
                lastBatch = watch.Elapsed.TotalSeconds;
                if (p.Batch == 1) firstBatch = lastBatch;
                if (steps > 0 && p.Batch >= steps) cts.Cancel();
            });
            var trainer = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 32 }, Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 16 },
                TransformOutputHeight = 48, TransformOutputWidth = 48,
                BatchSize = 64, MaxEpochs = 1, Progress = progress, CancellationToken = cts.Token,
                TrainingDataMemoryBudgetBytes = mode == "disk" ? 0 : null,
            });
            try { trainer.Fit(data); }
            catch (OperationCanceledException) when (cts.IsCancellationRequested) { } // the --steps cut
            double rate = batches > 1 ? (batches - 1) * 64 / (lastBatch - firstBatch) : double.NaN;
            Console.WriteLine($"{SpeedFigures.PeakResidentMiB(),9:F0} {firstBatch,7:F1} {rate,12:F0}");
            return 0;
        }

        // Called on the training thread (Progress<T> would post to the pool and report late).
        private sealed class ProgressReport : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _report;
            public ProgressReport(Action<TrainingProgress> report) => _report = report;
            public void Report(TrainingProgress value) => _report(value);
        }
    }
}
