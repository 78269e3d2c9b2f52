using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The paper's co-localisation loss, max(0, |e_n - e_m|^2 - |e_n - e_r|^2 + margin), where e_n embeds the crop of
    /// image n, e_m the crop of another image m of the set and e_r a random crop of image n at the same scale; the mean
    /// over the other images m and the expectation over random crops r taken inside the hinge. Two forms: for every
    /// candidate box of every image at once (the search, r over n's own candidates, which tile the image at that
    /// scale), and for the crops of one batch (end-to-end training, r over a few sampled candidates).
    /// </summary>
    internal static class TripletHingeLoss
    {
        /// <summary>The paper's margin.</summary>
        public const double Margin = 1.0;

        // Images whose candidates are compared in one batch (bounds memory at [16,K,M]).
        private const int Chunk = 16;

        /// <summary>E_r |e(n,c) - e(n,r)|^2 over n's candidates r, for every image n and candidate c.</summary>
        /// <param name="embeddings">e() of every candidate of every image [N,K,D].</param>
        /// <returns>[N,K].</returns>
        public static Tensor ToRandomCrops(Tensor embeddings)
        {
            using var scope = NewDisposeScope();
            var squared = embeddings.square().sum(2);                                            // [N,K]
            var mean = embeddings.mean(new long[] { 1 }, keepdim: true);                         // [N,1,D]
            var cross = (embeddings * mean).sum(2);                                              // [N,K]
            return (squared + squared.mean(new long[] { 1 }, keepdim: true) - 2 * cross).MoveToOuterDisposeScope();
        }

        /// <summary>The loss of every image n choosing every candidate c while the others keep their choices.</summary>
        /// <param name="embeddings">e() of every candidate of every image [N,K,D].</param>
        /// <param name="toRandom"><see cref="ToRandomCrops"/> of them [N,K].</param>
        /// <param name="choices">The candidates each image m may be matched with [N,T] (int64): the loss pairs n's
        /// candidate with the nearest of them (T = 1: each image's choice).</param>
        /// <param name="positives">The images m compared with [M] (int64); an image is never compared with itself.
        /// </param>
        /// <returns>[N,K]: the mean over m of max(0, |e(n,c) - e(m, choice m)|^2 - toRandom(n,c) + margin).</returns>
        public static Tensor OfCandidates(Tensor embeddings, Tensor toRandom, Tensor choices, Tensor positives)
        {
            using var scope = NewDisposeScope();
            long count = embeddings.shape[0], depth = embeddings.shape[2], t = choices.shape[1];
            var index = choices.unsqueeze(2).expand(-1, -1, depth);                               // [N,T,D]
            var others = embeddings.gather(1, index).index_select(0, positives).flatten(0, 1);   // [M*T,D]
            var othersSquared = others.square().sum(1);                                          // [M*T]
            var parts = new List<Tensor>();
            for (long start = 0; start < count; start += Chunk)
            {
                long n = Math.Min(Chunk, count - start);
                var block = embeddings.narrow(0, start, n);                                      // [b,K,D]
                var toOthers = block.square().sum(2, keepdim: true) + othersSquared.view(1, 1, -1)
                    - 2 * matmul(block, others.t());                                             // [b,K,M*T]
                var nearest = toOthers.view(n, block.shape[1], -1, t).amin(3);                   // [b,K,M]
                var toRandomHere = toRandom.narrow(0, start, n).unsqueeze(2);                    // [b,K,1]
                var hinge = nn.functional.relu(nearest - toRandomHere + Margin);                 // [b,K,M]
                var self = positives.view(1, -1).eq(arange(start, start + n, device: embeddings.device).view(-1, 1));
                var kept = (1 - self.to(ScalarType.Float32)).unsqueeze(1);                       // [b,1,M]
                parts.Add((hinge * kept).sum(2) / kept.sum(2).clamp_min(1));                     // [b,K]
            }
            return cat(parts, 0).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// The triplet hinge loss of a batch: embeddings [B,D] of the crops, <paramref name="random"/> [B,R,D] of
        /// random crops of the same images; the mean over n and m != n of
        /// max(0, |e_n - e_m|^2 - mean_r |e_n - e_r|^2 + margin).
        /// </summary>
        public static Tensor OfBatch(Tensor embeddings, Tensor random)
        {
            using var scope = NewDisposeScope();
            long n = embeddings.shape[0];
            var toOthers = (embeddings.unsqueeze(1) - embeddings.unsqueeze(0)).square().sum(2);   // [B,B]
            var toRandom = (embeddings.unsqueeze(1) - random).square().sum(2).mean(new long[] { 1 }); // [B]
            var hinge = nn.functional.relu(toOthers - toRandom.unsqueeze(1) + Margin);            // [B,B]
            var others = 1 - eye(n, dtype: hinge.dtype, device: hinge.device);                     // [B,B]
            return ((hinge * others).sum() / (n * (n - 1))).MoveToOuterDisposeScope();
        }
    }
}
