using System;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Pipeline
{
    public class ThetaDecompositionTests
    {
        [Theory]
        [InlineData(30.0, 1.2, 0.8, 0.25, 0.1, -0.3)]
        [InlineData(-75.0, 0.5, 1.5, -0.4, -0.6, 0.2)]
        [InlineData(0.0, 1.0, 1.0, 0.0, 0.0, 0.0)]
        public void AffineDecompositionInvertsItsComposition(double degrees, double sx, double sy, double shear,
            double tx, double ty)
        {
            // Compose M = R(angle) [[sx, shear*sy], [0, sy]] by hand, then read it back.
            double r = degrees * Math.PI / 180, cos = Math.Cos(r), sin = Math.Sin(r);
            double u12 = shear * sy;
            float[] theta =
            {
                (float)(cos * sx), (float)(cos * u12 - sin * sy), (float)tx,
                (float)(sin * sx), (float)(sin * u12 + cos * sy), (float)ty,
            };
            var d = ThetaDecomposition.DecomposeAffine(theta);
            Assert.Equal(degrees, d.RotationDegrees, 1e-4);
            Assert.Equal(sx, d.ScaleX, 1e-5);
            Assert.Equal(sy, d.ScaleY, 1e-5);
            Assert.Equal(shear, d.Shear, 1e-5);
            Assert.Equal(tx, d.TranslationX, 1e-6);
            Assert.Equal(ty, d.TranslationY, 1e-6);
        }

        [Fact]
        public void AttentionBoxInPixels()
        {
            // s = 0.5 centred at (0.5, -0.5) of a 40x20 image: x from 0 to 1 (pixels 20..40), y from -1 to 0 (pixels
            // 0..10).
            var box = ThetaDecomposition.AttentionBox(new[] { 0.5f, 0.5f, -0.5f }, 40, 20);
            Assert.Equal(new PixelBox(20, 0, 20, 10), box);
            Assert.Equal(new PixelBox(0, 0, 40, 20), ThetaDecomposition.AttentionBox(new[] { 1f, 0f, 0f }, 40, 20));
        }

        [Fact]
        public void WrongLengthsNameTheParameter()
        {
            var e = Assert.Throws<ArgumentException>(() => ThetaDecomposition.DecomposeAffine(new float[4]));
            Assert.Equal("theta", e.ParamName);
            Assert.Contains("6 values; got 4", e.Message);
            e = Assert.Throws<ArgumentException>(() => ThetaDecomposition.AttentionBox(new float[] { 1, 0, 0 }, 0, 5));
            Assert.Equal("width", e.ParamName);
        }
    }
}
