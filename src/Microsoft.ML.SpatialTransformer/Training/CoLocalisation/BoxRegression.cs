using System;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// Teaches the transform's localisation network the boxes the search found: the mean squared error between the
    /// theta it regresses for each image and that image's box, Adam with the fit's learning-rate schedule over
    /// <see cref="TrainingSettings.MaxEpochs"/> epochs of shuffled batches (seeded).
    /// </summary>
    internal static class BoxRegression
    {
        /// <summary>Trains <paramref name="module"/> in place to regress <paramref name="targets"/> (s, tx, ty), row by
        /// row [N*3], from the images of <paramref name="rows"/>.</summary>
        /// <returns>The mean loss of each epoch.</returns>
        public static double[] Fit(IHost host, IChannel ch, SpatialTransformerModule module, TrainingSettings s,
            int seed, Device device, ImageShape shape, RowStore rows, float[] targets)
        {
            var batches = new ShuffledImageBatches(rows, shape, s.BatchSize, seed, device);
            using var optimizer = optim.Adam(module.parameters(), s.LearningRate);
            using var boxes = HostTensors.FromSpan(targets, new long[] { batches.Count, 3 }, device); // [N,3]
            var losses = new double[s.MaxEpochs];
            module.train();
            using var pch = host.StartProgressChannel("Learning a co-localising spatial transform");
            int done = 0;
            pch.SetHeader(new ProgressHeader("epochs"), e => e.SetProgress(0, done, s.MaxEpochs));
            for (int epoch = 0; epoch < s.MaxEpochs; epoch++)
            {
                double rate = LearningRateSchedule.RateAt(s.Schedule, s.LearningRate, epoch, s.MaxEpochs,
                    s.StepDecayEpochs, s.StepDecayFactor);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                batches.Shuffle();
                double lossSum = 0;
                for (int b = 0; b < batches.Batches; b++)
                {
                    host.CheckAlive();
                    s.Cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var (x, indices) = batches.Get(b);                                   // [B,C,H,W], [B]
                    var target = boxes.index_select(0, indices);                         // [B,3]
                    optimizer.zero_grad();
                    var theta = module.Theta(x);                                               // [B,3]
                    var loss = (theta - target).square().sum(1).mean();
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw host.Except($"The co-localisation box regression loss became {value} in epoch " +
                                          $"{epoch + 1}, batch {b + 1}; lower LearningRate.");
                    loss.backward();
                    optimizer.step();
                    lossSum += value * x.shape[0];
                }
                losses[epoch] = lossSum / batches.Count;
                done = epoch + 1;
                ch.Info($"Co-localisation epoch {epoch + 1}/{s.MaxEpochs}: learning rate {rate:G4}, " +
                        $"box regression loss {losses[epoch]:R}.");
            }
            return losses;
        }
    }
}
