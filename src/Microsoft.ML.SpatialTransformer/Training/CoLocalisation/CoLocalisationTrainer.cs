using Microsoft.ML.SpatialTransformer.Persistence;
using System;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// Trains an attention <see cref="SpatialTransformerModule"/> to crop the object a set of images shares (the
    /// paper's
    /// co-localisation), with no labels: every step crops a shuffled batch, pairs each image n with the next one m of
    /// the
    /// batch, draws a random crop of n at the same scale, and descends the triplet hinge loss on the embeddings of the
    /// three crops (<see cref="TripletHingeLoss"/>) plus a penalty on boxes leaving the image (<see
    /// cref="BoxPenalty"/>). Seeded by the MLContext: weights, shuffling and random crops come from
    /// generators of this fit only. Adam with a cosine schedule over <see cref="TrainingSettings.MaxEpochs"/>.
    /// </summary>
    internal static class CoLocalisationTrainer
    {
        /// <summary>Trains on <paramref name="data"/>'s images and returns the transform (on CPU, in eval
        /// mode).</summary>
        public static SpatialTransformerModule Train(IHost host, SpatialTransformConfig config, TrainingSettings s,
            IDataView data, string imageColumn)
        {
            var shape = config.InputShape;
            int seed = TorchDevice.Seed(host);
            host.CheckAlive();
            s.Cancellation.ThrowIfCancellationRequested();
            using var ch = host.Start("Co-localisation");
            var device = TorchDevice.Select(host, ch);
            var statistics = config.InputNormalization == InputNormalization.None ? null
                : new ChannelStatistics(shape.Channels, shape.Height * shape.Width);
            var (rows, skipped) = UnlabeledImages.Read(host, data, imageColumn, shape.Size, s.Storage, s.Cancellation,
                statistics is null ? null : statistics.Add);
            try
            {
                if (skipped > 0) ch.Warning($"Skipped {skipped} row(s) of the training data with NaN or infinite pixels.");
                ch.Info($"Co-localisation: attention spatial transformer on {shape} images, {rows.Count} rows, seed {seed}.");
                var module = config.CreateModule();
                try
                {
                    using var embedding = new CropEmbedding(shape.Channels, config.OutputHeight, config.OutputWidth);
                    using (var generator = new Generator(unchecked((ulong)seed)))
                    {
                        ParameterInitialisation.Reset(module, generator);
                        ParameterInitialisation.Reset(embedding, generator);
                    }
                    StartBetweenWholeAndOutputResolution(module, config);
                    if (statistics is not null) module.LocalisationInput.SetStatistics(statistics.Mean, statistics.Std);
                    module.to(device);
                    embedding.to(device);
                    Run(host, ch, module, embedding, s, seed, device, shape, rows);
                    module.to(CPU); // scoring runs on CPU inside ML.NET's row-by-row scorers
                    module.eval();
                    return module;
                }
                catch
                {
                    module.Dispose();
                    throw;
                }
            }
            finally
            {
                rows.Dispose();
                GlibcMalloc.ReturnFreeMemory();
            }
        }

        private static void Run(IHost host, IChannel ch, SpatialTransformerModule module, CropEmbedding embedding,
            TrainingSettings s, int seed, Device device, ImageShape shape, RowStore rows)
        {
            int count = (int)rows.Count;
            int batchSize = Math.Max(2, Math.Min(s.BatchSize, count));
            int batches = (count + batchSize - 1) / batchSize;
            // The embedding stays at its seeded random weights: trained with the transform, it collapses to a constant
            // (every distance 0, the loss stuck at the margin), which tells the transform nothing.
            foreach (var p in embedding.parameters()) p.requires_grad = false;
            using var optimizer = optim.Adam(module.parameters(), s.LearningRate);
            var random = new Random(seed);
            using var cropGenerator = new Generator(unchecked((ulong)seed) ^ 0xC0C0C0C0C0C0C0C0UL, device);
            var order = Enumerable.Range(0, count).ToArray();
            var pixels = new float[(long)batchSize * shape.Size];
            module.train();
            embedding.eval();
            using var pch = host.StartProgressChannel("Learning a co-localising spatial transform");
            int done = 0;
            pch.SetHeader(new ProgressHeader("epochs"), e => e.SetProgress(0, done, s.MaxEpochs));
            for (int epoch = 0; epoch < s.MaxEpochs; epoch++)
            {
                double rate = LearningRateSchedule.RateAt(s.Schedule, s.LearningRate, epoch, s.MaxEpochs, s.StepDecayEpochs, s.StepDecayFactor);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                Shuffle(order, random);
                double lossSum = 0;
                for (int b = 0; b < batches; b++)
                {
                    host.CheckAlive();
                    s.Cancellation.ThrowIfCancellationRequested();
                    int start = b * batchSize, n = Math.Min(batchSize, count - start);
                    for (int i = 0; i < n; i++) rows.CopyRow(order[start + i], pixels.AsSpan(i * shape.Size, shape.Size));
                    using var scope = NewDisposeScope();
                    var x = HostTensors.FromSpan(pixels.AsSpan(0, n * shape.Size),
                        new long[] { n, shape.Channels, shape.Height, shape.Width }, device);  // [B,C,H,W]
                    optimizer.zero_grad();
                    var loss = Step(module, embedding, x, cropGenerator);
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw host.Except($"The co-localisation loss became {value} in epoch {epoch + 1}, batch {b + 1}; " +
                                          "lower LearningRate or scale the image column's values to about [0, 1].");
                    loss.backward();
                    optimizer.step();
                    lossSum += value * n;
                }
                done = epoch + 1;
                ch.Info($"Co-localisation epoch {epoch + 1}/{s.MaxEpochs}: learning rate {rate:G4}, triplet loss {lossSum / count:R}.");
            }
        }

        // One batch's loss: crops of every image, the next image's crops as positives, random crops as negatives.
        private static Tensor Step(SpatialTransformerModule module, CropEmbedding embedding, Tensor x, Generator cropGenerator)
        {
            using var scope = NewDisposeScope();
            var (crops, theta) = module.call(x);                                         // [B,C,h,w], [B,3]
            var randomGrid = module.Generator.call(RandomCrops.Thetas(theta, cropGenerator)); // [B,h,w,2]
            var randomCrops = module.Sampler.call(x, randomGrid);                        // [B,C,h,w]
            var anchor = embedding.call(crops);                                          // [B,D]
            var positive = anchor.roll(1, 0);                                            // [B,D]: image m = the previous row
            var negative = embedding.call(randomCrops);                                  // [B,D]
            var loss = TripletHingeLoss.Compute(anchor, positive, negative) + BoxPenalty.Compute(theta);
            return loss.MoveToOuterDisposeScope();
        }

        // The identity crops the whole image, and its random crops at the same scale are the image itself, so the
        // triplet
        // loss has nothing to tell apart; the crop starts instead centred, halfway between the whole image and the
        // output's resolution (s = H'/H, one output pixel per input pixel), where crops hold most of an object that is
        // about the output's size wherever it lies, and random crops shifted from them already differ.
        private static void StartBetweenWholeAndOutputResolution(SpatialTransformerModule module, SpatialTransformConfig config)
        {
            double native = Math.Min(1.0, Math.Max((double)config.OutputHeight / config.InputShape.Height,
                (double)config.OutputWidth / config.InputShape.Width));
            double scale = (1 + native) / 2;
            using var noGrad = no_grad();
            module.Localisation.Head.Linear.bias[0].fill_(scale);
        }

        private static void Shuffle(int[] order, Random random)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
    }
}
