using System;
using System.Collections.Generic;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
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
        // torch's generator is process-wide: seeding and building under one lock keeps concurrent fits in other
        // MLContexts from interleaving their initialisations.
        private static readonly object s_buildGate = new object();

        public static StNetwork Build(StNetworkOptions options, int seed)
        {
            lock (s_buildGate)
            {
                manual_seed(seed);
                return new StNetwork(options);
            }
        }

        /// <summary>Trains and returns the network (on CPU, in eval mode) and its per-epoch history.</summary>
        /// <param name="host">The trainer's host: channel, progress, cancellation, seed and device settings.</param>
        /// <param name="options">The network to build.</param>
        /// <param name="settings">The training settings for a given seed.</param>
        /// <param name="train">Training rows.</param>
        /// <param name="validation">Rows scored after every epoch, or null.</param>
        /// <param name="featureColumn">The image column (float vector or ML.NET image).</param>
        /// <param name="labelColumn">The key-typed label column.</param>
        /// <param name="task">What is being trained, for the log and the progress channel.</param>
        public static (StNetwork Network, IReadOnlyList<EpochMetrics> History) Train(IHost host, StNetworkOptions options,
            Func<int, TrainingSettings> settings, IDataView train, IDataView validation, string featureColumn, string labelColumn, string task)
        {
            var shape = new ImageShape(options.InputChannels, options.InputHeight, options.InputWidth);
            using var ch = host.Start("Training");
            var device = TorchDevice.Select(host, ch);
            int seed = TorchDevice.Seed(host);
            var trainRows = LabeledImages.Read(host, train, featureColumn, labelColumn, shape.Size, "training data");
            ReportSkipped(ch, trainRows, "training data");
            LabeledImages validationRows = null;
            if (validation is not null)
            {
                validationRows = LabeledImages.Read(host, validation, featureColumn, labelColumn, shape.Size, "validation set");
                ReportSkipped(ch, validationRows, "validation set");
            }
            ch.Info($"{task}: {options.Transform} spatial transformer(s) x{Math.Max(options.ParallelTransformers, options.SeriesTransformers)} " +
                    $"on {shape} images, {options.Classes} classes, {trainRows.Count} training rows, seed {seed}.");

            var network = Build(options, seed);
            try
            {
                network.to(device);
                var s = settings(seed);
                var loop = new TrainingLoop(host, ch, network, network.LocalisationParameters(), s, device, shape);
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

        private static void ReportSkipped(IChannel ch, LabeledImages data, string name)
        {
            if (data.SkippedMissingLabel > 0) ch.Warning($"Skipped {data.SkippedMissingLabel} row(s) of the {name} with a missing label.");
            if (data.SkippedBadPixels > 0) ch.Warning($"Skipped {data.SkippedBadPixels} row(s) of the {name} with NaN or infinite pixels.");
        }
    }
}
