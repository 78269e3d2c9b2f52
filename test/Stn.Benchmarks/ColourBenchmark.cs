using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.Trainers;
using Stn.Datasets;
using Stn.Datasets.Colour;
using Stn.Datasets.Mnist;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The downsampling ST-CNN against the plain CNN on colour digits in clutter (<see cref="ColourClutterImages"/>), each
    /// trained for the same time budget with the trainer's defaults (the affine ST samples 3/8 of a side above 64 px, the
    /// heads pooled to 16): test accuracy and training images/s side by side.
    /// </summary>
    internal static class ColourBenchmark
    {
        private sealed record Result(string Model, double Accuracy, double ImagesPerSecond, int Epochs, int Images, double Seconds,
            string Network);

        private static bool s_batchNorm;
        private static int s_fullyConnectedInputSide;

        public static int Run(string[] args)
        {
            double budget = Number(args, "--budget-minutes", 3);
            int trainCount = (int)Number(args, "--train-count", 6000), testCount = (int)Number(args, "--test-count", 1000);
            int batch = (int)Number(args, "--batch-size", 64), size = (int)Number(args, "--size", 128);
            int maxEpochs = (int)Number(args, "--max-epochs", 1000);
            double learningRate = Number(args, "--learning-rate", StCnnTrainer.Defaults.LearningRate);
            bool hard = args.Contains("--hard");
            int[] widths = Text(args, "--classifier-widths", null)?.Split(',').Select(int.Parse).ToArray();
            s_batchNorm = args.Contains("--batch-norm");
            s_fullyConnectedInputSide = (int)Number(args, "--fc-side", StCnnTrainer.Defaults.FullyConnectedInputSide);
            string models = Text(args, "--models", "cnn,st");
            string root = RepositoryPaths.FindRoot();
            string data = Text(args, "--data", null) ?? (RepositoryPaths.TryFindFullMnist(root, out var full) ? full : RepositoryPaths.MnistSubset(root));
            var mnist = MnistDataset.Load(data);
            var clutter = hard ? ColourClutterOptions.Hard(size) : ColourClutterOptions.Moderate(size);
            var trainImages = new ColourClutterImages(mnist.Train, seed: 1, clutter);
            var testImages = new ColourClutterImages(mnist.Test, seed: 1001, clutter);
            if (Text(args, "--dump", null) is string dump) return Dump(trainImages, dump);
            Console.WriteLine($"Colour clutter ({(hard ? "hard" : "moderate")}), 3x{size}x{size}, digits from {data}: {trainCount} training rows " +
                $"(from {Math.Min(trainCount, mnist.Train.Count)} digits), {testCount} test rows; {budget} min of training per model, batch {batch}, " +
                $"batch norm {(s_batchNorm ? "on" : "off")}, heads pooled to {s_fullyConnectedInputSide}, " +
                $"classifier widths {(widths is null ? "32,64 (default)" : string.Join(",", widths))}, " +
                $"Adam {learningRate.ToString(CultureInfo.InvariantCulture)}, cosine schedule fitted to the budget; {Environment.ProcessorCount} cores.");

            var results = models.Split(',').Select(m => m.Trim().ToLowerInvariant() switch
            {
                "cnn" => Train("CNN", SpatialTransformKind.None, trainImages, testImages, trainCount, testCount, budget, batch, maxEpochs, learningRate, widths),
                "st" => Train("ST-CNN (affine, downsampling)", SpatialTransformKind.Affine, trainImages, testImages, trainCount, testCount, budget,
                    batch, maxEpochs, learningRate, widths),
                _ => throw new ArgumentException($"--models takes cnn and st separated by commas; got '{m}'."),
            }).ToList();

            Console.WriteLine();
            Console.WriteLine("| model | network | test accuracy | training images/s | epochs | images trained | training s |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var r in results)
                Console.WriteLine($"| {r.Model} | {r.Network} | {r.Accuracy * 100:F2}% | {r.ImagesPerSecond:F0} | {r.Epochs} | {r.Images} | {r.Seconds:F0} |");
            if (results.Count == 2)
                Console.WriteLine($"ST-CNN vs CNN: accuracy {(results[1].Accuracy - results[0].Accuracy) * 100:+0.00;-0.00} points, " +
                    $"training {results[1].ImagesPerSecond / results[0].ImagesPerSecond:F2}x images/s.");
            return 0;
        }

        private static Result Train(string name, SpatialTransformKind transform, ColourClutterImages trainImages, ColourClutterImages testImages,
            int trainCount, int testCount, double budget, int batch, int maxEpochs, double learningRate, int[] classifierWidths)
        {
            var ml = new MLContext(seed: 1);
            var keys = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(d => new DigitRow { Label = (uint)d }));
            var toKey = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys);
            var train = trainImages.CreateDataView(ml, trainCount);
            var test = testImages.CreateDataView(ml, testCount);
            var counter = new BatchCounter();
            var options = new StCnnTrainer.Options
            {
                LabelColumnName = "Label", FeatureColumnName = "Image", Transform = transform, MaxEpochs = maxEpochs, BatchSize = batch,
                LearningRate = learningRate, ClassifierWidths = classifierWidths, BatchNorm = s_batchNorm,
                FullyConnectedInputSide = s_fullyConnectedInputSide, TrainingTimeBudget = TimeSpan.FromMinutes(budget), Progress = counter,
            };
            var watch = Stopwatch.StartNew();
            var model = toKey.Append(ml.MulticlassClassification.Trainers.StCnn(options)).Fit(train);
            double fitSeconds = watch.Elapsed.TotalSeconds;
            var parameters = model.LastTransformer.Model;
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            var history = parameters.History;
            double seconds = history.Sum(e => e.Seconds);
            int images = counter.Batches * batch;
            foreach (var epoch in history) Console.WriteLine($"  {name}: {epoch}");
            var o = parameters.TorchNetwork.Options;
            string network = transform == SpatialTransformKind.None ? $"{o.InputHeight} px in"
                : $"{o.InputHeight} -> {o.TransformOutputHeight} px";
            Console.WriteLine($"  {name}: test accuracy {metrics.MicroAccuracy:P2}, {images} images in {seconds:F0} s of epochs ({fitSeconds:F0} s Fit)");
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
                            bytes[((k / grid * s + y) * side + k % grid * s + x) * 3 + c] = (byte)Math.Round(image[(c * s + y) * s + x] * 255);
            }
            using var file = System.IO.File.Create(path);
            var header = System.Text.Encoding.ASCII.GetBytes($"P6\n{side} {side}\n255\n");
            file.Write(header);
            file.Write(bytes);
            Console.WriteLine($"Wrote {path}: rows 0-15, labels {string.Join(' ', Enumerable.Range(0, 16).Select(images.Label))}.");
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
