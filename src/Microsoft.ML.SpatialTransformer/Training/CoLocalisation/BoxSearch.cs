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

        /// <summary>The boxes found and the mean triplet loss of each sweep's choices.</summary>
        public sealed record Result(float[] Thetas, IReadOnlyList<double> Losses);

        /// <summary>Searches boxes of scale <paramref name="scale"/> for every image of <paramref name="rows"/>.
        /// </summary>
        /// <returns>Thetas (s, tx, ty) row by row [N*3], and the loss trace.</returns>
        public static Result Run(SpatialTransformerModule module, RowStore rows, ImageShape shape, double scale,
            Device device, int seed, IChannel ch, CancellationToken cancellation)
        {
            using var scope = NewDisposeScope();
            int count = (int)rows.Count;
            var candidates = CandidateBoxes.Thetas(scale, shape.Height, shape.Width).to(device); // [K,3]
            var embeddings = EmbedCandidates(module, rows, shape, candidates, device, cancellation); // [N,K,D]
            var toRandom = TripletHingeLoss.ToRandomCrops(embeddings);                           // [N,K]
            var choice = toRandom.argmax(1);                                                     // [N]
            var losses = new List<double>();
            var positives = PositiveSample(count, seed, device);                                 // [M]
            Tensor best = choice;
            double bestLoss = double.PositiveInfinity;
            for (int sweep = 0; sweep < MaxSweeps; sweep++)
            {
                cancellation.ThrowIfCancellationRequested();
                var loss = TripletHingeLoss.OfCandidates(embeddings, toRandom, choice, positives); // [N,K]
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
                    var image = HostTensors.FromSpan(pixels,
                        new long[] { 1, shape.Channels, shape.Height, shape.Width }, device);    // [1,C,H,W]
                    var crops = module.Sampler.call(image.expand(k, -1, -1, -1), grid);          // [K,C,h,w]
                    pooled.Add(CropEmbedding.Pool(crops));                                       // [K,D]
                }
                var all = stack(pooled);                                                         // [N,K,D]
                double floor = CropEmbedding.Floor(all.flatten(0, 1));
                return CropEmbedding.Normalise(all.flatten(0, 1), floor).view(all.shape).MoveToOuterDisposeScope();
            }
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
    }
}
