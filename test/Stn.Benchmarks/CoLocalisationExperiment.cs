using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets;
using Stn.Datasets.CoLocalisation;
using Stn.Datasets.Data;
using Stn.Datasets.Mnist;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The paper's co-localisation experiment: per digit class, a SpatialTransform with the CoLocalisation objective is
    /// fitted on that class's images alone (no labels, no boxes), and its boxes are scored against the true ones:
    /// the share with IoU &gt; 0.5, per class and overall, beside the paper's.
    /// </summary>
    internal static class CoLocalisationExperiment
    {
        public static int Run(bool clutter, int perClass, int epochs, string classes, double learningRate,
            int batchSize, int tripletEpochs, bool verbose)
        {
            string root = RepositoryPaths.FindRoot();
            var source = MnistDataset.LoadSplit(RepositoryPaths.TryFindFullMnist(root, out var full) ? full
                : RepositoryPaths.MnistSubset(root),
                MnistSplit.Train);
            var generator = new CoLocalisationGenerator(new CoLocalisationGenerator.Options
            {
                PerClass = perClass, ClutterCount = clutter ? CoLocalisationGenerator.Defaults.ClutterCount : 0,
            });
            var digits = classes is null ? Enumerable.Range(0, 10).ToArray() : classes.Split(',')
                .Select(int.Parse).ToArray();
            Console.WriteLine($"Co-localisation, {(clutter ? "with 16 6x6 clutter crops" : "no clutter")}: 28x28 " +
                              "digits in 84x84 " +
                              $"canvases, {perClass} images per class, {epochs} epochs per class, learning rate " +
                              $"{learningRate}, batches of {batchSize}, {tripletEpochs} epochs on the triplet " +
                              "loss, seeded; correct when IoU > 0.5.");
            Console.WriteLine();
            Console.WriteLine("| class | IoU > 0.5 | mean IoU | mean box side (px) | mean centre " +
                "error (px) | fit (s) | paper |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            int correct = 0, total = 0;
            foreach (int digit in digits)
            {
                var set = generator.Generate(source, digit, seed: 1000 + digit);
                var ml = new MLContext(seed: 1 + digit);
                if (verbose)
                    ml.Log += (_, e) =>
                        { if (e.Message.Contains("Co-localisation epoch")
                        || e.Message.Contains("box search")) Console.Error.WriteLine(e.Message); };
                var watch = Stopwatch.StartNew();
                var model = ml.Transforms.SpatialTransform(Options(epochs, learningRate, batchSize, tripletEpochs))
                    .Fit(set.ToDataView(ml));
                double seconds = watch.Elapsed.TotalSeconds;
                var thetas = model.Transform(set.ToDataView(ml)).GetColumn<float[]>("Theta").ToArray();
                var boxes = thetas.Select(t => ThetaDecomposition.AttentionBox(t, set.CanvasSize, set.CanvasSize))
                    .ToArray();
                var iou = boxes.Select((b, i) => BoxOverlap.IntersectionOverUnion(b, set.Boxes[i])).ToArray();
                int hits = iou.Count(v => v > BoxOverlap.CorrectAbove);
                correct += hits;
                total += iou.Length;
                Console.WriteLine($"| {digit} | {100.0 * hits / iou.Length:F0}% | {iou.Average():F2} | " +
                                  $"{boxes.Average(b => Math.Abs(b.Width)):F1} | {CentreError(boxes, set):F1} | " +
                                  $"{seconds:F0} | {(clutter ? "75-93%" : "100%")} |");
            }
            Console.WriteLine($"| all | {100.0 * correct / total:F1}% | | | | | {(clutter ? "75-93%" : "100%")} |");
            return 0;
        }

        private static double CentreError(PixelBox[] boxes, CoLocalisationSet set) => boxes.Select((b, i) =>
        {
            var t = set.Boxes[i];
            double dx = b.Left + b.Width / 2 - t.Left - t.Width / 2, dy = b.Top + b.Height / 2 - t.Top - t.Height / 2;
            return Math.Sqrt(dx * dx + dy * dy);
        }).Average();

        /// <summary>The transform the experiment fits: an attention crop to 28x28, the digits' size.</summary>
        public static SpatialTransformEstimator.Options Options(int epochs, double learningRate, int batchSize,
            int tripletEpochs) => new()
        {
            OutputColumnName = "Crop", InputColumnName = DatasetColumns.Image, ThetaColumnName = "Theta",
            Objective = SpatialTransformObjective.CoLocalisation, Transform = SpatialTransformKind.Attention,
            OutputHeight = 28, OutputWidth = 28, MaxEpochs = epochs, TrainingBatchSize = batchSize,
            LearningRate = learningRate, TripletEpochs = tripletEpochs,
        };
    }
}
