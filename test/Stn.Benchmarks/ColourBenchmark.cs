using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Trainers;
using Stn.Datasets;
using Stn.Datasets.Colour;
using Stn.Datasets.Mnist;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The downsampling ST-CNN against the plain CNN on colour digits in clutter (<see cref="ColourClutterImages"/>),
    /// each trained for the same time budget with the trainer's defaults (the affine ST samples 3/8 of a side above
    /// 64 px, the heads pooled to 16) unless an option says otherwise: test accuracy and training images/s side by
    /// side.
    /// </summary>
    internal static class ColourBenchmark
    {
        private sealed record Settings(int TrainCount, int TestCount, double BudgetMinutes, int BatchSize,
            int MaxEpochs, double LearningRate, int[] ClassifierWidths, bool BatchNorm, int FullyConnectedInputSide,
            bool WholeNumbers, double? LocalisationLearningRateMultiplier, int Seed);

        private sealed record Result(string Model, double Accuracy, double ImagesPerSecond, int Epochs, int Images,
            double Seconds, string Network);

        public static int Run(string[] args)
        {
            var settings = new Settings(
                TrainCount: (int)Number(args, "--train-count", 6000),
                TestCount: (int)Number(args, "--test-count", 1000),
                BudgetMinutes: Number(args, "--budget-minutes", 3), BatchSize: (int)Number(args, "--batch-size", 64),
                MaxEpochs: (int)Number(args, "--max-epochs", 1000),
                LearningRate: Number(args, "--learning-rate", StCnnTrainer.Defaults.LearningRate),
                ClassifierWidths: Text(args, "--classifier-widths", null)?.Split(',').Select(int.Parse).ToArray(),
                BatchNorm: args.Contains("--batch-norm"),
                FullyConnectedInputSide: (int)Number(args, "--fc-side", StCnnTrainer.Defaults.FullyConnectedInputSide),
                WholeNumbers: args.Contains("--whole-numbers"),
                // Absent: the trainer's default (0.1 above 64 px).
                LocalisationLearningRateMultiplier: Text(args, "--localisation-lr-multiplier", null) is string m
                    ? double.Parse(m, CultureInfo.InvariantCulture) : null,
                Seed: (int)Number(args, "--seed", 1));
            int size = (int)Number(args, "--size", 128);
            bool hard = args.Contains("--hard");
            string root = RepositoryPaths.FindRoot();
            string data = Text(args, "--data", null)
                ?? (RepositoryPaths.TryFindFullMnist(root, out var full) ? full : RepositoryPaths.MnistSubset(root));
            var mnist = MnistDataset.Load(data);
            var clutter = hard ? ColourClutterOptions.Hard(size) : ColourClutterOptions.Moderate(size);
            var trainImages = new ColourClutterImages(mnist.Train, seed: 1, clutter);
            var testImages = new ColourClutterImages(mnist.Test, seed: 1001, clutter);
            if (Text(args, "--dump", null) is string dump) return Dump(trainImages, dump);
            var s = settings;
            Console.WriteLine($"Colour clutter ({(hard ? "hard" : "moderate")}), " +
                $"3x{size}x{size}, digits from {data}: " +
                $"{s.TrainCount} training rows (from {Math.Min(s.TrainCount, mnist.Train.Count)} digits), " +
                $"{s.TestCount} test rows; " +
                $"{s.BudgetMinutes} min of training per model, batch {s.BatchSize}, batch norm " +
                $"{(s.BatchNorm ? "on" : "off")}, " +
                $"heads pooled to {s.FullyConnectedInputSide}, classifier widths " +
                $"{(s.ClassifierWidths is null ? "32,64 (default)" : string.Join(",", s.ClassifierWidths))}, " +
                $"Adam {s.LearningRate.ToString(CultureInfo.InvariantCulture)}, cosine " +
                "schedule fitted to the budget; " +
                $"{Environment.ProcessorCount} cores.");

            var results = Text(args, "--models", "cnn,st").Split(',').Select(m => m.Trim().ToLowerInvariant() switch
            {
                "cnn" => Train("CNN", SpatialTransformKind.None, trainImages, testImages, settings),
                "st" => Train("ST-CNN (affine, downsampling)", SpatialTransformKind.Affine, trainImages,
                    testImages, settings),
                _ => throw new ArgumentException($"--models takes cnn and st separated by commas; got '{m}'."),
            }).ToList();

            Console.WriteLine();
            Console.WriteLine("| model | network | test accuracy | training images/s | epochs | " +
                "images trained | training s |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var r in results)
                Console.WriteLine($"| {r.Model} | {r.Network} | {r.Accuracy * 100:F2}% | " +
                    $"{r.ImagesPerSecond:F0} | {r.Epochs} | " +
                    $"{r.Images} | {r.Seconds:F0} |");
            if (results.Count == 2)
                Console.WriteLine("ST-CNN vs CNN: accuracy " +
                    $"{(results[1].Accuracy - results[0].Accuracy) * 100:+0.00;-0.00} points, " +
                    $"training {results[1].ImagesPerSecond / results[0].ImagesPerSecond:F2}x images/s.");
            return 0;
        }

        private static Result Train(string name, SpatialTransformKind transform, ColourClutterImages trainImages,
            ColourClutterImages testImages, Settings s)
        {
            var ml = new MLContext(seed: s.Seed);
            ml.Log += (_, e) =>
                { if (e.Message.Contains("normalization")
                || e.Message.Contains("held")) Console.Error.WriteLine(e.Message); };
            // The ten digits as the key's values, so mapping the label reads no image.
            var keys = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10)
                .Select(d => new DigitRow { Label = (uint)d }));
            var toKey = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys);
            var train = trainImages.CreateDataView(ml, s.TrainCount, s.WholeNumbers);
            var test = testImages.CreateDataView(ml, s.TestCount, s.WholeNumbers);
            var counter = new BatchCounter();
            var options = new StCnnTrainer.Options
            {
                LabelColumnName = "Label", FeatureColumnName = "Image", Transform = transform, MaxEpochs = s.MaxEpochs,
                BatchSize = s.BatchSize, LearningRate = s.LearningRate, ClassifierWidths = s.ClassifierWidths,
                BatchNorm = s.BatchNorm, FullyConnectedInputSide = s.FullyConnectedInputSide,
                LocalisationLearningRateMultiplier = s.LocalisationLearningRateMultiplier,
                TrainingTimeBudget = TimeSpan.FromMinutes(s.BudgetMinutes), Progress = counter,
            };
            var watch = Stopwatch.StartNew();
            var model = toKey.Append(ml.MulticlassClassification.Trainers.StCnn(options)).Fit(train);
            double fitSeconds = watch.Elapsed.TotalSeconds;
            var parameters = model.LastTransformer.Model;
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            var history = parameters.History;
            double seconds = history.Sum(e => e.Seconds);
            int images = counter.Batches * s.BatchSize;
            foreach (var epoch in history) Console.WriteLine($"  {name}: {epoch}");
            var o = parameters.TorchNetwork.Options;
            string network = transform == SpatialTransformKind.None ? $"{o.InputHeight} px in"
                : $"{o.InputHeight} -> {o.TransformOutputHeight} px";
            Console.WriteLine($"  {name}: test accuracy {metrics.MicroAccuracy:P2}, {images} images in " +
                $"{seconds:F0} s of epochs " +
                $"({fitSeconds:F0} s Fit)");
            parameters.TorchNetwork.Dispose();
            return new Result(name, metrics.MicroAccuracy, images / seconds, history.Count, images, seconds, network);
        }

        // The first 16 training rows as a 4x4 grid in a binary PPM file (a quick look at the data).
        private static int Dump(ColourClutterImages images, string path)
        {
            int s = images.Size, grid = 4, side = s * grid;
            var bytes = new byte[side * side * 3];
            var image = new float[images.ImageSize];
            for (int k = 0; k < grid * grid; k++)
            {
                images.Render(k, image);
                for (int c = 0; c < 3; c++)
                    for (int y = 0; y < s; y++)
                        for (int x = 0; x < s; x++)
                            bytes[((k / grid * s + y) * side + k % grid * s + x) * 3 + c] =
                                (byte)Math.Round(image[(c * s + y) * s + x] * 255);
            }
            using var file = System.IO.File.Create(path);
            file.Write(System.Text.Encoding.ASCII.GetBytes($"P6\n{side} {side}\n255\n"));
            file.Write(bytes);
            Console.WriteLine($"Wrote {path}: rows 0-15, labels " +
                $"{string.Join(' ', Enumerable.Range(0, 16).Select(images.Label))}.");
            return 0;
        }

        private sealed class DigitRow
        {
            public uint Label { get; set; }
        }

        /// <summary>Counts training batches as they are reported (synchronously, on the training thread).</summary>
        private sealed class BatchCounter : IProgress<TrainingProgress>
        {
            private int _batches;
            public int Batches => _batches;
            public void Report(TrainingProgress value) => Interlocked.Increment(ref _batches);
        }

        private static double Number(string[] args, string name, double fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        private static string Text(string[] args, string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
    }
}
