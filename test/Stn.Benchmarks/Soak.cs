using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using TorchSharp;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The long soak: many PredictionEngine calls and batched Transforms on one model, printing resident memory (after
    /// a full GC) and the live native tensor count at the start (after warm-up) and the end.
    /// </summary>
    internal static class Soak
    {
        public static int Run(int predictions, int transforms)
        {
            var ml = new MLContext(seed: 0);
            var random = new Random(0);
            var data = ml.Data.LoadFromEnumerable(RandomDigits.Make(random, 512));
            var model = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Tutorial,
                Classifier = ClassifierKind.Tutorial, MaxEpochs = 1,
            }).Fit(data);
            var engine = ml.Model.CreatePredictionEngine<RandomDigits.Row, RandomDigits.ScoreOnly>(model);
            var inputs = RandomDigits.Make(random, 64);
            void Work(int n, int t)
            {
                for (int i = 0; i < n; i++) engine.Predict(inputs[i % inputs.Length]);
                for (int i = 0; i < t; i++) model.Transform(data).GetColumn<float[]>("Score").Count();
            }
            Work(predictions / 5, transforms / 5); // warm-up: a fifth of the run, so caches and heap sizes settle first
            long tensors = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            double start = ResidentMiB();
            var watch = Stopwatch.StartNew();
            Console.Write($"Resident MiB every tenth of the run: {start:F0}");
            for (int chunk = 0; chunk < 10; chunk++)
            {
                Work(predictions / 10, transforms / 10);
                Console.Write($" {ResidentMiB():F0}");
            }
            Console.WriteLine();
            double end = ResidentMiB();
            long tensorsEnd = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Console.WriteLine($"{predictions} PredictionEngine calls and {transforms} Transform passes over " +
                $"{data.GetRowCount()} rows in {watch.Elapsed.TotalSeconds:F0} s.");
            Console.WriteLine($"Resident memory after warm-up {start:F0} MiB, at the end {end:F0} MiB: " +
                $"{(end - start) / start:P1} growth.");
            Console.WriteLine($"Live native tensors after warm-up {tensors}, at the end {tensorsEnd}.");
            return tensorsEnd == tensors && (end - start) / start < 0.05 ? 0 : 1;
        }

        private static double ResidentMiB()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64 / (1024.0 * 1024.0);
        }
    }
}
