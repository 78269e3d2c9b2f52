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
    /// expectation over n's candidates (random crops of n at the same scale). From a start, all images move, sweep
    /// by sweep, to the candidate of least loss given the others' choices, until none changes. Two starts: each
    /// image's most distinctive candidate (farthest from its random crops), and each image's candidate of least loss
    /// when matched with the nearest of the others' few most distinctive candidates; the choices of least loss win.
    /// </summary>
    internal static class BoxSearch
    {
        /// <summary>Sweeps at most.</summary>
        public const int MaxSweeps = 30;

        /// <summary>Most distinctive candidates per image that the second start matches with.</summary>
        public const int Shortlist = 8;

        /// <summary>Other images' choices a loss compares with at most (a seeded sample beyond).</summary>
        public const int MaxPositives = 256;

        /// <summary>The boxes found, the mean triplet loss of each sweep's choices and the embedding's floor.</summary>
        public sealed record Result(float[] Thetas, IReadOnlyList<double> Losses, double Floor);

        /// <summary>Searches boxes of scale <paramref name="scale"/> for every image of <paramref name="rows"/>.
        /// </summary>
        /// <returns>Thetas (s, tx, ty) row by row [N*3], and the loss trace.</returns>
        public static Result Run(SpatialTransformerModule module, RowStore rows, ImageShape shape, double scale,
            Device device, int seed, IChannel ch, CancellationToken cancellation)
        {
            using var scope = NewDisposeScope();
            int count = (int)rows.Count;
            var candidates = CandidateBoxes.Thetas(scale, shape.Height, shape.Width).to(device); // [K,3]
            var (embeddings, floor) = EmbedCandidates(module, rows, shape, candidates, device, cancellation); // [N,K,D]
            var toRandom = TripletHingeLoss.ToRandomCrops(embeddings);                           // [N,K]
            var positives = PositiveSample(count, seed, device);                                 // [M]
            var losses = new List<double>();
            // Two starts: each image's most distinctive candidate, and each image's candidate nearest to one of the
            // others' few most distinctive ones (robust where clutter outshines the object in some images).
            var distinctive = toRandom.topk(Math.Min(Shortlist, (int)toRandom.shape[1]), 1).indexes;  // [N,T]
            var starts = new[]
            {
                distinctive.narrow(1, 0, 1).squeeze(1),
                TripletHingeLoss.OfCandidates(embeddings, toRandom, distinctive, positives).argmin(1),
            };
            Tensor best = null;
            double bestLoss = double.PositiveInfinity;
            for (int start = 0; start < starts.Length; start++)
            {
                var (choice, loss) = Descend(embeddings, toRandom, starts[start], positives, start + 1, losses, ch,
                    cancellation);
                if (loss < bestLoss)
                {
                    bestLoss = loss;
                    best = choice;
                }
            }
            var thetas = candidates.index_select(0, best).cpu();                                 // [N,3]
            var values = new float[count * 3];
            HostTensors.CopyTo(thetas, values);
            return new Result(values, losses, floor);
        }

        // Sweeps from one start: every image moves to its candidate of least loss given the others' choices,
        // until none moves; returns the choices of least mean loss met.
        private static (Tensor Choice, double Loss) Descend(Tensor embeddings, Tensor toRandom, Tensor choice,
            Tensor positives, int start, List<double> losses, IChannel ch, CancellationToken cancellation)
        {
            Tensor best = choice;
            double bestLoss = double.PositiveInfinity;
            for (int sweep = 0; sweep < MaxSweeps; sweep++)
            {
                cancellation.ThrowIfCancellationRequested();
                var loss = TripletHingeLoss.OfCandidates(embeddings, toRandom, choice.unsqueeze(1), positives); // [N,K]
                double current = loss.gather(1, choice.unsqueeze(1)).mean().item<float>();
                losses.Add(current);
                ch.Info($"Co-localisation box search start {start}, sweep {sweep + 1}: triplet loss {current:R}.");
                if (current < bestLoss)
                {
                    bestLoss = current;
                    best = choice;
                }
                var next = loss.argmin(1);                                                       // [N]
                if (next.eq(choice).all().item<bool>()) break;
                choice = next;
            }
            return (best, bestLoss);
        }

        // e() of every candidate crop of every image [N,K,D], normalised with one floor for the whole set, and that
        // floor.
        private static (Tensor Embeddings, double Floor) EmbedCandidates(SpatialTransformerModule module,
            RowStore rows, ImageShape shape, Tensor candidates, Device device, CancellationToken cancellation)
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
                return (CropEmbedding.Normalise(all.flatten(0, 1), floor).view(all.shape).MoveToOuterDisposeScope(),
                    floor);
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
