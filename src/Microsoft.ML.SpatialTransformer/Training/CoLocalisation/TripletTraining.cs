using System;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The paper's co-localisation training itself: the localisation network learns by gradient descent on the triplet
    /// hinge loss, back-propagated through the sampler, from where <see cref="BoxRegression"/> left it. In each batch
    /// the crops the transform takes now are embedded (<see cref="CropEmbedding"/>, with the search's floor); the loss
    /// (<see cref="TripletHingeLoss.OfBatch"/>) is the mean over images n and the other images m of the batch of
    /// max(0, |e_n - e_m|^2 - E_r |e_n - e_r|^2 + margin), e_r the embeddings of <see cref="RandomCrops"/> random
    /// crops of image n at the box scale (no gradient). The search chose boxes on a grid a seventh of a box apart;
    /// here they move continuously, at the searched scale: the crops the loss sees have that scale, and a squared
    /// penalty on the regressed scale's distance from it keeps the transform's boxes the output's size, as the search
    /// and the regression had them.
    /// </summary>
    internal static class TripletTraining
    {
        /// <summary>Random crops of each image that stand for the expectation over r.</summary>
        public const int RandomCrops = 8;

        /// <summary>The learning rate of this stage as a share of the fit's (a refinement of boxes already
        /// found).</summary>
        public const double RateShare = 0.1;

        /// <summary>
        /// Trains <paramref name="module"/>'s localisation network in place on the triplet loss over the images of
        /// <paramref name="rows"/>, <paramref name="epochs"/> epochs of shuffled batches (seeded), Adam at
        /// <see cref="RateShare"/> of the fit's learning rate with its schedule.
        /// </summary>
        /// <param name="floor">The embedding's floor tau, as the search computed it.</param>
        /// <param name="scale">The boxes' scale s.</param>
        /// <returns>The mean triplet loss of each epoch.</returns>
        public static double[] Fit(IHost host, IChannel ch, SpatialTransformerModule module, TrainingSettings s,
            int epochs, int seed, Device device, ImageShape shape, RowStore rows, double floor, double scale)
        {
            // At least two images a batch: an image is compared with the others of its batch.
            var batches = new ShuffledImageBatches(rows, shape, Math.Max(2, s.BatchSize), seed, device);
            using var optimizer = optim.Adam(module.Localisation.parameters(), s.LearningRate * RateShare);
            using var candidates = CandidateBoxes.Thetas(scale, shape.Height, shape.Width).to(device);  // [K,3]
            using var generator = new Generator(unchecked((ulong)seed) ^ 0x5DEECE66DUL);
            var losses = new double[epochs];
            module.train();
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                double rate = RateShare * LearningRateSchedule.RateAt(s.Schedule, s.LearningRate, epoch, epochs,
                    s.StepDecayEpochs, s.StepDecayFactor);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                batches.Shuffle();
                double lossSum = 0;
                int seen = 0;
                for (int b = 0; b < batches.Batches; b++)
                {
                    host.CheckAlive();
                    s.Cancellation.ThrowIfCancellationRequested();
                    int n = batches.RowsIn(b);
                    if (n < 2) continue; // an image alone in its batch has no other image to be compared with
                    using var scope = NewDisposeScope();
                    var (x, _) = batches.Get(b);                                                       // [B,C,H,W]
                    optimizer.zero_grad();
                    var theta = module.Theta(x);                                           // [B,3]
                    var crops = module.Sampler.call(x, module.Generator.call(AtScale(theta, scale))); // [B,C,h,w]
                    var embeddings = CropEmbedding.Embed(crops, floor);                                // [B,D]
                    var randomCrops = RandomCropEmbeddings(module, x, candidates, generator, floor);  // [B,R,D]
                    var loss = TripletHingeLoss.OfBatch(embeddings, randomCrops)
                        + (theta.select(1, 0) - scale).square().mean();
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw host.Except($"The co-localisation triplet loss became {value} in epoch " +
                                          $"{epoch + 1}, batch {b + 1}; lower LearningRate.");
                    loss.backward();
                    optimizer.step();
                    lossSum += value * n;
                    seen += n;
                }
                losses[epoch] = lossSum / Math.Max(1, seen);
                ch.Info($"Co-localisation triplet epoch {epoch + 1}/{epochs}: learning rate {rate:G4}, " +
                        $"triplet loss {losses[epoch]:R}.");
            }
            return losses;
        }

        // theta [B,3] with s replaced by the searched scale: the triplet loss moves the boxes but never resizes them
        // (left free, it shrank them onto the digits' strokes, which all images share).
        private static Tensor AtScale(Tensor theta, double scale)
        {
            using var scope = NewDisposeScope();
            var s = full_like(theta.narrow(1, 0, 1), scale);                                        // [B,1]
            return cat(new[] { s, theta.narrow(1, 1, theta.shape[1] - 1) }, 1).MoveToOuterDisposeScope();
        }

        // Embeddings of random candidate crops of each image [B,R,D], without gradient.
        private static Tensor RandomCropEmbeddings(SpatialTransformerModule module, Tensor x, Tensor candidates,
            Generator generator, double floor)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            long n = x.shape[0];
            var picks = randint(candidates.shape[0], new long[] { n * RandomCrops }, generator: generator)
                .to(candidates.device);                                                             // [B*R]
            var grid = module.Generator.call(candidates.index_select(0, picks));                   // [B*R,h,w,2]
            var crops = module.Sampler.call(x.repeat_interleave(RandomCrops, 0), grid);            // [B*R,C,h,w]
            return CropEmbedding.Embed(crops, floor).view(n, RandomCrops, -1).MoveToOuterDisposeScope();
        }
    }
}
