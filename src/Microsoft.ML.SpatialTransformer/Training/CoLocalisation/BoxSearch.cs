using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// Finds each image's box by the triplet hinge loss alone, over a grid of candidate boxes
    /// (<see cref="CandidateBoxes"/>), before any network learns: the loss of image n choosing candidate c is the mean
    /// over the other images m of max(0, |e(c) - e(m's choice)|^2 - E|e(c) - e(random crop of n)|^2 + margin), the
    /// expectation over n's candidates (random crops of n at the same scale). Every image starts at its most
    /// distinctive candidate (farthest from its random crops) and all then move, sweep by sweep, to the candidate of
    /// least loss given the others' choices, until none changes; the sweep of least loss wins.
    /// </summary>
    internal static class BoxSearch
    {
        /// <summary>Sweeps at most.</summary>
        public const int MaxSweeps = 30;

        /// <summary>Other images' choices a loss compares with at most (a seeded sample beyond).</summary>
        public const int MaxPositives = 256;

        // Images whose candidates are compared in one batch.
        private const int Chunk = 16;

        /// <summary>The boxes found and the mean triplet loss of each sweep's choices.</summary>
        public sealed record Result(float[] Thetas, IReadOnlyList<double> Losses);

        /// <summary>Searches boxes of scale <paramref name="scale"/> for every image of <paramref name="rows"/>.</summary>
        /// <returns>Thetas (s, tx, ty) row by row [N*3], and the loss trace.</returns>
        public static Result Run(SpatialTransformerModule module, RowStore rows, ImageShape shape, double scale,
            Device device, int seed, IChannel ch, CancellationToken cancellation)
        {
            using var scope = NewDisposeScope();
            int count = (int)rows.Count;
            var candidates = CandidateBoxes.Thetas(scale, shape.Height, shape.Width).to(device); // [K,3]
            var embeddings = EmbedCandidates(module, rows, shape, candidates, device, cancellation); // [N,K,D]
            var toRandom = MeanDistanceToOwnCandidates(embeddings);                              // [N,K]
            var choice = toRandom.argmax(1);                                                     // [N]
            var losses = new List<double>();
            var positives = PositiveSample(count, seed, device);                                 // [M]
            Tensor best = choice;
            double bestLoss = double.PositiveInfinity;
            for (int sweep = 0; sweep < MaxSweeps; sweep++)
            {
                cancellation.ThrowIfCancellationRequested();
                var loss = CandidateLosses(embeddings, toRandom, choice, positives);             // [N,K]
                double current = loss.gather(1, choice.unsqueeze(1)).mean().item<float>();
                losses.Add(current);
                ch.Info($"Co-localisation box search sweep {sweep + 1}: triplet loss {current:R}.");
                if (current < bestLoss)
                {
                    bestLoss = current;
                    best = choice;
                }
                var next = loss.argmin(1);                                                       // [N]
                if (next.eq(choice).all().item<bool>()) break;
                choice = next;
            }
            var thetas = candidates.index_select(0, best).cpu();                                 // [N,3]
            var values = new float[count * 3];
            HostTensors.CopyTo(thetas, values);
            return new Result(values, losses);
        }

        // e() of every candidate crop of every image [N,K,D], normalised with one floor for the whole set.
        private static Tensor EmbedCandidates(SpatialTransformerModule module, RowStore rows, ImageShape shape,
            Tensor candidates, Device device, CancellationToken cancellation)
        {
            using var scope = NewDisposeScope();
            long k = candidates.shape[0];
            var grid = module.Generator.call(candidates);                                        // [K,h,w,2]
            var pixels = new float[shape.Size];
            var pooled = new List<Tensor>();
            using (no_grad())
            {
                for (int n = 0; n < rows.Count; n++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    rows.CopyRow(n, pixels);
                    var image = HostTensors.FromSpan(pixels, new long[] { 1, shape.Channels, shape.Height, shape.Width }, device);
                    var crops = module.Sampler.call(image.expand(k, -1, -1, -1), grid);          // [K,C,h,w]
                    pooled.Add(CropEmbedding.Pool(crops));                                       // [K,D]
                }
                var all = stack(pooled);                                                         // [N,K,D]
                double floor = CropEmbedding.Floor(all.flatten(0, 1));
                return CropEmbedding.Normalise(all.flatten(0, 1), floor).view(all.shape).MoveToOuterDisposeScope();
            }
        }

        // E_k |e(n,c) - e(n,k)|^2 for every image n and candidate c [N,K]: the distance to a random crop of n.
        private static Tensor MeanDistanceToOwnCandidates(Tensor embeddings)
        {
            using var scope = NewDisposeScope();
            var squared = embeddings.square().sum(2);                                            // [N,K]
            var mean = embeddings.mean(new long[] { 1 }, keepdim: true);                         // [N,1,D]
            var cross = (embeddings * mean).sum(2);                                              // [N,K]
            return (squared + squared.mean(new long[] { 1 }, keepdim: true) - 2 * cross).MoveToOuterDisposeScope();
        }

        // The images whose choices serve as positives: all, or a seeded sample of MaxPositives.
        private static Tensor PositiveSample(int count, int seed, Device device)
        {
            var indices = new long[Math.Min(count, MaxPositives)];
            if (count <= MaxPositives)
            {
                for (int i = 0; i < count; i++) indices[i] = i;
            }
            else
            {
                var random = new Random(seed);
                var order = new int[count];
                for (int i = 0; i < count; i++) order[i] = i;
                for (int i = 0; i < indices.Length; i++)
                {
                    int j = i + random.Next(count - i);
                    (order[i], order[j]) = (order[j], order[i]);
                    indices[i] = order[i];
                }
            }
            return HostTensors.FromSpan(indices, device);
        }

        // The triplet loss of every image choosing every candidate, given the others' choices [N,K].
        private static Tensor CandidateLosses(Tensor embeddings, Tensor toRandom, Tensor choice, Tensor positives)
        {
            using var scope = NewDisposeScope();
            long count = embeddings.shape[0];
            var chosen = embeddings.gather(1, choice.view(-1, 1, 1).expand(-1, 1, embeddings.shape[2])).squeeze(1); // [N,D]
            var others = chosen.index_select(0, positives);                                      // [M,D]
            var othersSquared = others.square().sum(1);                                          // [M]
            var parts = new List<Tensor>();
            for (long start = 0; start < count; start += Chunk)
            {
                long n = Math.Min(Chunk, count - start);
                var block = embeddings.narrow(0, start, n);                                      // [b,K,D]
                var toOthers = block.square().sum(2, keepdim: true) + othersSquared.view(1, 1, -1)
                    - 2 * matmul(block, others.t());                                             // [b,K,M]
                var hinge = nn.functional.relu(toOthers - toRandom.narrow(0, start, n).unsqueeze(2)
                    + TripletHingeLoss.Margin);                                                  // [b,K,M]
                var self = positives.view(1, -1).eq(arange(start, start + n, device: embeddings.device).view(-1, 1))
                    .to(ScalarType.Float32);                                                     // [b,M]
                var kept = (1 - self).unsqueeze(1);                                              // [b,1,M]
                var pairs = kept.sum(2).clamp_min(1);                                         // [b,1]
                parts.Add((hinge * kept).sum(2) / pairs);                                        // [b,K]
            }
            return cat(parts, 0).MoveToOuterDisposeScope();
        }
    }
}
