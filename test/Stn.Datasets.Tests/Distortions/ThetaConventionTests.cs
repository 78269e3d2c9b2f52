using System;
using Stn.Datasets.Data;
using Stn.Datasets.Distortions;
using Xunit;

namespace Stn.Datasets.Tests.Distortions
{
    /// <summary>
    /// Checks the documented theta convention without the core's grid code: a source holding one small bright blob must
    /// show it, in the generated image, at the point that theta (normalised, output -> source) maps onto the blob.
    /// The inverse maps are written out here by hand.
    /// </summary>
    public class ThetaConventionTests
    {
        /// <summary>
        /// Source images of one 2x2 blob each, at random places around the centre; returns the blob centres (pixel
        /// coordinates).
        /// </summary>
        private static (LabeledImageSet Set, (double X, double Y)[] Centres) Blobs(int count)
        {
            var random = new Random(17);
            var pixels = new byte[count * 28 * 28];
            var centres = new (double X, double Y)[count];
            for (int i = 0; i < count; i++)
            {
                int bx = random.Next(6, 21), by = random.Next(6, 21);
                for (int y = by; y < by + 2; y++)
                    for (int x = bx; x < bx + 2; x++)
                        pixels[i * 784 + y * 28 + x] = 255;
                centres[i] = (bx + 1, by + 1); // the 2x2 block's centre, pixel edges at integers
            }
            return (new LabeledImageSet(pixels, new byte[count], 28, 28), centres);
        }

        private static (double X, double Y) CentreOfMass(DistortedImageSet set, int index)
        {
            var image = set.GetImage(index);
            double sum = 0, sx = 0, sy = 0;
            for (int y = 0; y < set.Height; y++)
                for (int x = 0; x < set.Width; x++)
                {
                    double v = image[y * set.Width + x];
                    sum += v;
                    sx += v * (x + 0.5);
                    sy += v * (y + 0.5);
                }
            return (sx / sum, sy / sum);
        }

        private static double ToNormalized(double pixel, int size) => 2 * pixel / size - 1;
        private static double ToPixel(double normalized, int size) => (normalized + 1) * size / 2;

        private static void AssertBlobsLandWhereThetaSays(DistortionGenerator generator,
            Func<float[], (double X, double Y), (double X, double Y)> outputFromSource)
        {
            var (source, centres) = Blobs(40);
            var set = generator.Generate(source, seed: 23);
            for (int i = 0; i < set.Count; i++)
            {
                var (sx, sy) = (ToNormalized(centres[i].X, 28), ToNormalized(centres[i].Y, 28));
                var (ox, oy) = outputFromSource(set.GetTheta(i).ToArray(), (sx, sy));
                var (px, py) = (ToPixel(ox, set.Width), ToPixel(oy, set.Height));
                if (px < 2 || py < 2 || px > set.Width - 2 || py > set.Height - 2) continue; // the blob left the canvas
                var (cx, cy) = CentreOfMass(set, i);
                double error = Math.Sqrt((cx - px) * (cx - px) + (cy - py) * (cy - py));
                Assert.True(error < 0.35,
                    $"{set.Kind}: sample {i}: blob at ({cx:F2}, {cy:F2}), theta says ({px:F2}, {py:F2})");
            }
        }

        /// <summary>Inverse of source = s R(angle) target + t.</summary>
        private static (double, double) InverseSimilarity(float[] t, (double X, double Y) s)
        {
            double angle = t[0], scale = t[1], dx = s.X - t[2], dy = s.Y - t[3];
            double c = Math.Cos(angle), n = Math.Sin(angle);
            return ((c * dx + n * dy) / scale, (-n * dx + c * dy) / scale); // R^T (s - t) / scale
        }

        [Fact]
        public void Rotation() => AssertBlobsLandWhereThetaSays(new RotationDistortion(), InverseSimilarity);

        [Fact]
        public void Rts() => AssertBlobsLandWhereThetaSays(new RtsDistortion(), InverseSimilarity);

        [Fact]
        public void Clutter() =>
            AssertBlobsLandWhereThetaSays(new ClutterDistortion(new ClutterDistortion.Options { ClutterCount = 0 }),
                (t, s) => ((s.X - t[1]) / t[0], (s.Y - t[2]) / t[0]));

        [Fact]
        public void Projective() => AssertBlobsLandWhereThetaSays(new ProjectiveDistortion(), (t, s) =>
        {
            // H = [[h11 h12 h13] [h21 h22 h23] [h31 h32 1]] maps target -> source; invert by the adjugate.
            double a = t[0], b = t[1], c = t[2], d = t[3], e = t[4], f = t[5], g = t[6], h = t[7], k = 1;
            double[] inv =
            {
                e * k - f * h, c * h - b * k, b * f - c * e,
                f * g - d * k, a * k - c * g, c * d - a * f,
                d * h - e * g, b * g - a * h, a * e - b * d,
            };
            double w = inv[6] * s.X + inv[7] * s.Y + inv[8];
            return ((inv[0] * s.X + inv[1] * s.Y + inv[2]) / w, (inv[3] * s.X + inv[4] * s.Y + inv[5]) / w);
        });

        [Fact]
        public void Rotation_PositiveAngle_TurnsTheDigitCounterClockwiseOnScreen()
        {
            // A blob right of centre, rotated by +90° (grid convention): it must appear above the centre (y down).
            var pixels = new byte[784];
            for (int y = 13; y < 15; y++)
                for (int x = 20; x < 22; x++)
                    pixels[y * 28 + x] = 255;
            var source = new LabeledImageSet(pixels, new byte[1], 28, 28);
            var generator = new RotationDistortion(new RotationDistortion.Options { MaxAngleDegrees = 90 });
            for (int seed = 0; seed < 50; seed++)
            {
                var set = generator.Generate(source, seed);
                if (set.Theta[0] < 1.4) continue; // wait for an angle near +90° (1.57 rad)
                var (cx, cy) = CentreOfMass(set, 0);
                Assert.True(cy < 10 && Math.Abs(cx - 14) < 3, $"blob at ({cx:F1}, {cy:F1}) for angle {set.Theta[0]}");
                return;
            }
            Assert.Fail("no seed gave an angle near +90°");
        }
    }
}
