using System;
using System.Linq;
using Stn.Datasets.Distortions;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Distortions
{
    /// <summary>
    /// The stored parameters follow the paper's distributions (PAPER.md): ranges are respected and nearly filled, and
    /// the noise has the documented spread. Together with <see cref="ThetaConventionTests"/> (image matches theta) this
    /// pins down what the images show.
    /// </summary>
    public class ParameterDistributionTests
    {
        private const int Samples = 600;

        private static DistortedImageSet Generate(DistortionGenerator generator) =>
            generator.Generate(Digits.Train(50), seed: 31, count: Samples);

        private static void AssertFills(double[] values, double min, double max, string what)
        {
            Assert.All(values, v => Assert.InRange(v, min - 1e-5, max + 1e-5));
            double margin = (max - min) * 0.05;
            Assert.True(values.Min() < min + margin && values.Max() > max - margin,
                $"{what} spans [{values.Min():F3}, {values.Max():F3}]; expected most of [{min:F3}, {max:F3}]");
        }

        private static double[] Column(DistortedImageSet set, int offset) =>
            Enumerable.Range(0, set.Count).Select(i => (double)set.GetTheta(i)[offset]).ToArray();

        [Fact]
        public void Rotation_AngleFillsPlusMinus90Degrees()
        {
            var set = Generate(new RotationDistortion());
            AssertFills(Column(set, 0), -Math.PI / 2, Math.PI / 2, "angle");
            Assert.All(Column(set, 1), s => Assert.Equal(1, s));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(4)]
        public void Rts_AngleScaleAndPositionFillTheirRanges(int channelOffset)
        {
            var set = Generate(channelOffset == 0 ? new RtsDistortion() : new AdditionDistortion());
            AssertFills(Column(set, channelOffset), -Math.PI / 4, Math.PI / 4, "angle");
            // s = (42 / 28) / scale, scale in [0.7, 1.2].
            AssertFills(Column(set, channelOffset + 1), 1.5 / 1.2, 1.5 / 0.7, "s");
            // The source centre (0, 0) shows at R^T (-t) / s (normalised), i.e. within 7 px of the canvas centre per
            // axis.
            var centres = Enumerable.Range(0, set.Count).Select(i =>
            {
                var t = set.GetTheta(i).Slice(channelOffset, 4);
                double c = Math.Cos(t[0]), n = Math.Sin(t[0]);
                double x = (-c * t[2] - n * t[3]) / t[1], y = (n * t[2] - c * t[3]) / t[1];
                return (X: (x + 1) * 21 - 21, Y: (y + 1) * 21 - 21);
            }).ToArray();
            AssertFills(centres.Select(p => p.X).ToArray(), -7, 7, "x offset");
            AssertFills(centres.Select(p => p.Y).ToArray(), -7, 7, "y offset");
        }

        [Fact]
        public void Projective_CornersMoveAboutTheScaledSquareBy5Pixels()
        {
            var set = Generate(new ProjectiveDistortion());
            // Where each source corner shows in the output: invert the output -> source homography (adjugate).
            var residuals = new System.Collections.Generic.List<double>();
            var meanRatio = 0.0;
            foreach (int i in Enumerable.Range(0, set.Count))
            {
                float[] t = set.GetTheta(i).ToArray();
                double a = t[0], b = t[1], c = t[2], d = t[3], e = t[4], f = t[5], g = t[6], h = t[7];
                double[] inv = { e - f * h, c * h - b, b * f - c * e, f * g - d, a - c * g, c * d - a * f,
                    d * h - e * g, b * g - a * h, a * e - b * d };
                var corners = new[] { (-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0) }.Select(p =>
                {
                    double w = inv[6] * p.Item1 + inv[7] * p.Item2 + inv[8];
                    return (X: (inv[0] * p.Item1 + inv[1] * p.Item2 + inv[2]) / w * 14,
                        Y: (inv[3] * p.Item1 + inv[4] * p.Item2 + inv[5]) / w * 14);
                }).ToArray(); // pixels from the centre
                // Least-squares scale of the moved square, then the corners' moves about it.
                int[] sx = { -1, 1, 1, -1 }, sy = { -1, -1, 1, 1 };
                double scale = Enumerable.Range(0, 4).Sum(k => sx[k] * corners[k].X + sy[k] * corners[k].Y) / (8 * 14);
                meanRatio += scale / set.Count;
                for (int k = 0; k < 4; k++)
                {
                    residuals.Add(corners[k].X - scale * 14 * sx[k]);
                    residuals.Add(corners[k].Y - scale * 14 * sy[k]);
                }
            }
            double sigma = Math.Sqrt(residuals.Sum(r => r * r) / residuals.Count);
            Assert.InRange(meanRatio, 0.875 - 0.03, 0.875 + 0.03); // scale uniform in [0.75, 1]
            Assert.InRange(sigma, 4.0, 5.5); // N(0, 5 px), a little less after fitting the scale
        }

        [Fact]
        public void Elastic_ControlPointsMoveAboutTheScaledGridBy1Point5Pixels()
        {
            var set = Generate(new ElasticDistortion());
            float[] identity = Microsoft.ML.SpatialTransformer.Functional.TransformFamily.IdentityParameters(
                Microsoft.ML.SpatialTransformer.SpatialTransformKind.ThinPlateSpline);
            var scales = new double[set.Count];
            double squares = 0;
            for (int i = 0; i < set.Count; i++)
            {
                float[] t = set.GetTheta(i).ToArray();
                // theta = (c + n) / scale: fit 1 / scale by least squares, then measure n in output pixels.
                double inverse = t.Zip(identity, (v, c) => (double)v * c).Sum() / identity.Sum(c => (double)c * c);
                scales[i] = 1 / inverse;
                squares += t.Zip(identity, (v, c) => Math.Pow((v / inverse - c) * 14, 2)).Sum();
            }
            // The fitted scale carries some of the noise: allow a little slack around [0.75, 1].
            Assert.All(scales, v => Assert.InRange(v, 0.70, 1.05));
            Assert.InRange(scales.Average(), 0.875 - 0.02, 0.875 + 0.02);
            Assert.True(scales.Min() < 0.77 && scales.Max() > 0.98,
                $"scale spans [{scales.Min():F3}, {scales.Max():F3}]");
            double sigma = Math.Sqrt(squares / (set.Count * identity.Length));
            Assert.InRange(sigma, 1.2, 1.7);
        }

        [Fact]
        public void Clutter_OffsetsFillTheCanvas()
        {
            var set = Generate(new ClutterDistortion());
            // t = s - 1 - 2 offset / 28  =>  offset = (s - 1 - t) * 14.
            var x = Column(set, 1).Zip(Column(set, 0), (t, s) => (s - 1 - t) * 14).ToArray();
            var y = Column(set, 2).Zip(Column(set, 0), (t, s) => (s - 1 - t) * 14).ToArray();
            // Whole pixels 0..32 (the 28x28 box inside 60x60); 600 draws reach both ends.
            Assert.All(x.Concat(y), v => Assert.Equal(Math.Round(v), v, 1e-3));
            Assert.Equal((0, 32), ((int)Math.Round(x.Min()), (int)Math.Round(x.Max())));
            Assert.Equal((0, 32), ((int)Math.Round(y.Min()), (int)Math.Round(y.Max())));
        }
    }
}
