using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Trains an <see cref="StNetwork"/> on labelled image rows: the common part of the StCnn trainer and the learned
    /// SpatialTransform (device and seed from the MLContext, data read once, progress in MLContext.Log).
    /// </summary>
    internal static class NetworkTrainer
    {
        /// <summary>
        /// The network with its initial weights drawn from a generator seeded with <paramref name="seed"/>, not from
        /// torch's process-wide one, which other threads may be drawing from at the same time.
        /// </summary>
        public static StNetwork Build(StNetworkOptions options, int seed)
        {
            var network = new StNetwork(options);
            using var generator = new Generator(unchecked((ulong)seed));
            ParameterInitialisation.Reset(network, generator);
            return network;
        }

        /// <summary>Trains and returns the network (on CPU, in eval mode) and its per-epoch history.</summary>
        /// <param name="host">The trainer's host: channel, progress, cancellation, seed and device settings.</param>
        /// <param name="options">The network to build.</param>
        /// <param name="s">The training settings (the seed comes from the host: MLContext.Seed).</param>
        /// <param name="train">Training rows.</param>
        /// <param name="validation">Rows scored after every epoch, or null.</param>
        /// <param name="featureColumn">The image column (float vector or ML.NET image).</param>
        /// <param name="labelColumn">The key-typed label column.</param>
        /// <param name="task">What is being trained, for the log and the progress channel.</param>
        /// <param name="labelFormat">How the label column becomes class indices; null: a key column, one class per
        /// row.</param>
        public static (StNetwork Network, IReadOnlyList<EpochMetrics> History) Train(IHost host,
            StNetworkOptions options, TrainingSettings s, IDataView train, IDataView validation, string featureColumn,
            string labelColumn, string task,
            LabelFormat labelFormat = null)
        {
            var shape = ImageShape.InputOf(options);
            int seed = TorchDevice.Seed(host);
            // An already-cancelled fit stops before it reads any data.
            host.CheckAlive();
            s.Cancellation.ThrowIfCancellationRequested();
            using var ch = host.Start("Training");
            var device = TorchDevice.Select(host, ch);
            LabeledImages trainRows = null, validationRows = null;
            // The input statistics come from the same single read, over the rows kept for training.
            var statistics = options.InputNormalization == InputNormalization.None ? null
                : new ChannelStatistics(shape.Channels, shape.Height * shape.Width);
            // The rows past the memory budget sit in a temporary file, deleted here whether training ends, fails or is
            // cancelled.
            try
            {
                trainRows = LabeledImages.Read(host, train, featureColumn, labelColumn, shape.Size, "training data",
                    s.Storage, s.Cancellation,
                    statistics is null ? null : statistics.Add, labelFormat);
                ReportSkipped(ch, trainRows, "training data");
                ch.Info(trainRows.Describe("training data"));
                if (validation is not null)
                {
                    // The validation set gets what the training rows left of the memory budget.
                    var storage = s.Storage is null ? null
                        : s.Storage with { MemoryBudgetBytes = Math.Max(0, s.Storage.MemoryBudgetBytes
                        - trainRows.Store.MemoryBytes) };
                    validationRows = LabeledImages.Read(host, validation, featureColumn, labelColumn, shape.Size,
                        "validation set", storage, s.Cancellation,
                        labelFormat: labelFormat);
                    ReportSkipped(ch, validationRows, "validation set");
                    ch.Info(validationRows.Describe("validation set"));
                }
                return Train(host, ch, options, s, seed, device, shape, trainRows, validationRows, statistics,
                    featureColumn, task);
            }
            finally
            {
                validationRows?.Dispose();
                trainRows?.Dispose();
                GlibcMalloc.ReturnFreeMemory();
            }
        }

        private static (StNetwork Network, IReadOnlyList<EpochMetrics> History) Train(IHost host, IChannel ch,
            StNetworkOptions options, TrainingSettings s, int seed, Device device, ImageShape shape,
            LabeledImages trainRows, LabeledImages validationRows,
            ChannelStatistics statistics, string featureColumn, string task)
        {
            ch.Info($"{task}: {options.Transform} spatial transformer(s) " +
                    $"x{Math.Max(options.ParallelTransformers, options.SeriesTransformers)} " +
                    $"on {shape} images, {options.Classes} classes, {trainRows.Count} training rows, seed {seed}.");

            var network = Build(options, seed);
            if (statistics is not null)
            {
                network.InputNormalisation.SetStatistics(statistics.Mean, statistics.Std);
                ch.Info($"Input normalization: per-channel mean {Format(statistics.Mean)}, standard deviation " +
                    $"{Format(statistics.Std)} (training rows).");
            }
            // Dropout masks come from the fit's own generator, on the training device, for the same reason.
            using var dropoutGenerator = new Generator(unchecked((ulong)seed) ^ 0x9E3779B97F4A7C15UL, device);
            try
            {
                network.to(device);
                ParameterInitialisation.UseDropoutGenerator(network, dropoutGenerator);
                var loop = new TrainingLoop(host, ch, network, network.LocalisationParameters(), s, seed, device, shape,
                    featureColumn);
                using (var pch = host.StartProgressChannel(task))
                {
                    int done = 0;
                    pch.SetHeader(new ProgressHeader("epochs"), e => e.SetProgress(0, done, s.MaxEpochs));
                    loop.Run(trainRows, validationRows, metrics =>
                    {
                        done = metrics.Epoch;
                        ch.Info(metrics.ToString());
                    });
                }
                WarnIfAtChance(ch, task, loop.History, options, trainRows,
                    network.LocalisationParameters().Any() ? s.LocalisationLearningRateMultiplier : null);
                ParameterInitialisation.UseDropoutGenerator(network, null);
                network.to(CPU); // scoring runs on CPU inside ML.NET's row-by-row scorers
                network.eval();
                return (network, loop.History);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }

        // A model whose last epoch trained to chance has learned nothing; say so and why it may be (issue 12).
        private static void WarnIfAtChance(IChannel ch, string task, IReadOnlyList<EpochMetrics> history,
            StNetworkOptions options, LabeledImages rows, double? localisationMultiplier)
        {
            // Chance for sequences depends on the length distribution; only one label per row is checked.
            if (history.Count == 0 || rows.Positions != 1) return;
            var last = history[history.Count - 1];
            double majority = ChanceLevel.MajorityShare(rows.Labels, options.Classes);
            if (ChanceLevel.IsAtChance(last.TrainLoss, last.TrainAccuracy, options.Classes, majority))
                ch.Warning(ChanceLevel.Explain(task, last, options.Classes,
                    options.InputNormalization != InputNormalization.None, localisationMultiplier));
        }

        private static string Format(double[] values)
            => "[" +
                string.Join(", ", Array.ConvertAll(values,
                v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture))) + "]";

        private static void ReportSkipped(IChannel ch, LabeledImages data, string name)
        {
            if (data.SkippedMissingLabel > 0)
                ch.Warning($"Skipped {data.SkippedMissingLabel} row(s) of the {name} with a missing label.");
            if (data.SkippedBadPixels > 0)
                ch.Warning($"Skipped {data.SkippedBadPixels} row(s) of the {name} with NaN or infinite pixels.");
        }
    }
}
