using System;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Trainers;
using Stn.Datasets;
using Stn.Datasets.Mnist;
using Stn.Datasets.Sequences;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The paper's SVHN experiment on MNIST digit sequences: CNN vs ST-CNN single (one affine ST at the input) vs
    /// ST-CNN
    /// multi (an ST before each of the 4 classifier stages), the same training time each, sequence error % on sequences
    /// of test-split digits, and the time per training step of each, measured side by side in interleaved rounds.
    /// </summary>
    internal static class SequenceExperiment
    {
        private static readonly int[] ClassifierWidths = { 16, 32, 48, 64 };

        private sealed record Model(string Name, SpatialTransformKind Transform, int Series,
            LocalisationNetworkKind Localisation,
            int[] LocalisationWidths);

        // As the paper: single has a CNN localisation on the image; multi an FC 32-32 localisation in front of every
        // stage.
        private static readonly Model[] Models =
        {
            new("CNN", SpatialTransformKind.None, 0, LocalisationNetworkKind.Cnn, null),
            new("ST-CNN single", SpatialTransformKind.Affine, 0, LocalisationNetworkKind.Cnn, null),
            new("ST-CNN multi", SpatialTransformKind.Affine, ClassifierWidths.Length, LocalisationNetworkKind.Fcn,
                new[] { 32, 32 }),
        };

        public static int Run(int size, double budgetMinutes, int trainCount, int testCount, int speedRounds)
        {
            string root = RepositoryPaths.FindRoot();
            string data = RepositoryPaths.TryFindFullMnist(root, out var full) ? full
                : RepositoryPaths.MnistSubset(root);
            var mnist = MnistDataset.Load(data);
            var options = DigitSequenceOptions.ForCanvas(size);
            var ml = new MLContext(seed: 1);
            var train = new DigitSequenceGenerator(mnist.Train, options, seed: 1).ToDataView(ml, trainCount);
            var test = new DigitSequenceGenerator(mnist.Test, options, seed: 2).ToDataView(ml, testCount);
            Console.WriteLine($"Digit sequences (1-5 MNIST digits, {size}x{size}, digit box " +
                              $"{options.DigitSize} px) from {data}: " +
                              $"{trainCount} training sequences (train-split digits), {testCount} test " +
                              "sequences (test-split digits).");
            Console.WriteLine($"CNN: 4 stages ({string.Join(", ", ClassifierWidths)} filters, conv + 2x2 pool) " +
                              "and 5 softmax heads of 11; " +
                              $"Adam 1e-3 (localisation 0.1x), cosine schedule fitted to {budgetMinutes} min of " +
                              "training per model, batch 64, seed 1.");

            var stepSeconds = MeasureSteps(ml, train, size, speedRounds);
            Console.WriteLine();
            Console.WriteLine("| Model | Sequence error % | Per-digit accuracy % | Epochs trained | " +
                "Time per step (ms) | vs CNN |");
            Console.WriteLine("|---|---|---|---|---|---|");
            for (int m = 0; m < Models.Length; m++)
            {
                var model = Models[m];
                var estimator = ml.MulticlassClassification.Trainers.StCnnSequence(Options(model, 100,
                    TimeSpan.FromMinutes(budgetMinutes)));
                var fitted = estimator.Fit(train);
                var metrics = ml.MulticlassClassification.EvaluateSequences(fitted.Transform(test));
                double epochs = fitted.History.Count;
                Console.WriteLine($"| {model.Name} | {metrics.SequenceErrorPercent:F1} | " +
                                  $"{100 * metrics.DigitAccuracy:F1} | {epochs} | " +
                                  $"{1000 * stepSeconds[m]:F0} | {stepSeconds[m] / stepSeconds[0]:F2}x |");
            }
            return 0;
        }

        private static StCnnSequenceEstimator.Options Options(Model model, int epochs, TimeSpan? budget) => new()
        {
            FeatureColumnName = DigitSequenceGenerator.Columns.Pixels,
            Transform = model.Transform, SeriesTransformers = model.Series, ClassifierWidths = ClassifierWidths,
            Localisation = model.Localisation, LocalisationWidths = model.LocalisationWidths,
            LocalisationLearningRateMultiplier = 0.1, MaxEpochs = epochs, BatchSize = 64, TrainingTimeBudget = budget,
        };

        // Each model trains one epoch of 10 steps per round, the models in turn, and keeps its fastest round: the
        // machine
        // is shared, so a ratio is only meaningful between runs this close together.
        private static double[] MeasureSteps(MLContext ml, IDataView train, int size, int rounds)
        {
            const int steps = 10;
            var rows = ml.Data.TakeRows(train, steps * 64);
            var best = Enumerable.Repeat(double.PositiveInfinity, Models.Length).ToArray();
            for (int round = 0; round < rounds; round++)
                for (int m = 0; m < Models.Length; m++)
                {
                    var counter = new StepCounter();
                    var options = Options(Models[m], 1, null);
                    options.Progress = counter;
                    var fitted = ml.MulticlassClassification.Trainers.StCnnSequence(options).Fit(rows);
                    best[m] = Math.Min(best[m], fitted.History[0].Seconds / counter.Steps);
                }
            Console.WriteLine($"Time per training step (batch 64, {size}x{size}): best of {rounds} interleaved " +
                $"rounds of {steps} steps per model.");
            return best;
        }

        // Counts the batches as they finish (Progress<T> would post to a thread pool and count late).
        private sealed class StepCounter : IProgress<TrainingProgress>
        {
            private int _steps;
            public int Steps => Volatile.Read(ref _steps);
            public void Report(TrainingProgress value) => Interlocked.Increment(ref _steps);
        }
    }
}
