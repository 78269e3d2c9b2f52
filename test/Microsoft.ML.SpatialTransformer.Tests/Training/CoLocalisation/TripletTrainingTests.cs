using System;
using Microsoft.ML.SpatialTransformer.Training.CoLocalisation;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Training.CoLocalisation
{
    /// <summary>The end-to-end co-localisation loss against sums written out, and its gradient against finite
    /// differences.</summary>
    public class TripletTrainingTests
    {
        private const int Images = 4, Crops = 3, Depth = 5;

        private static (double[,] E, double[,,] R) Values(int seed)
        {
            var random = new Random(seed);
            var e = new double[Images, Depth];
            var r = new double[Images, Crops, Depth];
            for (int n = 0; n < Images; n++)
                for (int d = 0; d < Depth; d++)
                {
                    e[n, d] = random.NextDouble() - 0.5;
                    for (int k = 0; k < Crops; k++) r[n, k, d] = random.NextDouble() - 0.5;
                }
            return (e, r);
        }

        // The loss as the paper writes it, summed pair by pair.
        private static double Reference(double[,] e, double[,,] r)
        {
            double total = 0;
            for (int n = 0; n < Images; n++)
            {
                double toRandom = 0;
                for (int k = 0; k < Crops; k++)
                    for (int d = 0; d < Depth; d++) toRandom += Math.Pow(e[n, d] - r[n, k, d], 2) / Crops;
                for (int m = 0; m < Images; m++)
                {
                    if (m == n) continue;
                    double toOther = 0;
                    for (int d = 0; d < Depth; d++) toOther += Math.Pow(e[n, d] - e[m, d], 2);
                    total += Math.Max(0, toOther - toRandom + TripletHingeLoss.Margin);
                }
            }
            return total / (Images * (Images - 1));
        }

        private static Tensor ToTensor(double[,] e) => tensor(e);

        private static Tensor ToTensor(double[,,] r)
        {
            var flat = new double[r.Length];
            Buffer.BlockCopy(r, 0, flat, 0, flat.Length * sizeof(double));
            return tensor(flat, new long[] { Images, Crops, Depth });
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void TheBatchLossIsTheMeanHingeOverOrderedPairsOfDifferentImages(int seed)
        {
            using var scope = NewDisposeScope();
            var (e, r) = Values(seed);
            double loss = TripletHingeLoss.OfBatch(ToTensor(e), ToTensor(r)).item<double>();
            Assert.Equal(Reference(e, r), loss, 1e-12);
        }

        [Fact]
        public void ItsGradientMatchesFiniteDifferences()
        {
            using var scope = NewDisposeScope();
            var (e, r) = Values(3);
            var embeddings = ToTensor(e).requires_grad_();
            TripletHingeLoss.OfBatch(embeddings, ToTensor(r)).backward();
            var gradient = embeddings.grad.data<double>().ToArray();
            const double step = 1e-6;
            for (int n = 0; n < Images; n++)
                for (int d = 0; d < Depth; d++)
                {
                    double kept = e[n, d];
                    e[n, d] = kept + step;
                    double up = Reference(e, r);
                    e[n, d] = kept - step;
                    double down = Reference(e, r);
                    e[n, d] = kept;
                    Assert.Equal((up - down) / (2 * step), gradient[n * Depth + d], 1e-6);
                }
        }
    }
}
