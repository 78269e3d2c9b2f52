using System.Linq;
using Stn.Datasets.Data;
using Stn.Datasets.Distortions;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Distortions
{
    /// <summary>With every random range collapsed to "no distortion" each generator must give back the digit.</summary>
    public class ZeroDistortionTests
    {
        private static float[] Source(LabeledImageSet source, int index)
        {
            var image = new float[source.ImageSize];
            source.CopyImage(index, image);
            return image;
        }

        /// <summary>The digit pasted at (offset, offset) of a size x size canvas.</summary>
        private static float[] Padded(float[] digit, int size, int offset)
        {
            var canvas = new float[size * size];
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                    canvas[(y + offset) * size + x + offset] = digit[y * 28 + x];
            return canvas;
        }

        private static void AssertAllClose(LabeledImageSet source, DistortedImageSet set, float tolerance,
            int canvas = 28, int offset = 0)
        {
            for (int i = 0; i < set.Count; i++)
            {
                float diff = Rewarp.MaxAbsDifference(Padded(Source(source, i), canvas, offset), set.GetImage(i));
                Assert.True(diff <= tolerance, $"{set.Kind}: sample {i} differs from the digit by {diff}");
            }
        }

        [Fact]
        public void Rotation_ByZeroDegrees_IsTheDigit()
        {
            var source = Digits.Train(30);
            var set = new RotationDistortion(new RotationDistortion.Options { MaxAngleDegrees = 0 })
                .Generate(source, seed: 1);
            Assert.All(Enumerable.Range(0, set.Count),
                i => Assert.Equal(new float[] { 0, 1, 0, 0 }, set.GetTheta(i).ToArray()));
            AssertAllClose(source, set, 1e-5f);
        }

        [Fact]
        public void Rts_WithoutRotationScaleOrOffset_IsTheDigitCentredInTheCanvas()
        {
            var source = Digits.Train(30);
            var options = new RtsDistortion.Options { MaxAngleDegrees = 0, MinScale = 1, MaxScale = 1,
                MaxOffsetPixels = 0 };
            var set = new RtsDistortion(options).Generate(source, seed: 1);
            Assert.Equal(new float[] { 0, 1.5f, 0, 0 }, set.GetTheta(0).ToArray()); // s = 42 / 28
            AssertAllClose(source, set, 1e-5f, canvas: 42, offset: 7);
        }

        [Fact]
        public void Projective_WithoutScaleOrCornerMoves_IsTheDigit()
        {
            var source = Digits.Train(30);
            var options = new ProjectiveDistortion.Options { MinScale = 1, MaxScale = 1, CornerSigmaPixels = 0 };
            var set = new ProjectiveDistortion(options).Generate(source, seed: 1);
            Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0, 0, 0 },
                set.GetTheta(0).ToArray().Select(v => (float)System.Math.Round(v, 6)));
            AssertAllClose(source, set, 1e-5f);
        }

        [Fact]
        public void Elastic_WithoutScaleOrMoves_IsTheDigit()
        {
            var source = Digits.Train(30);
            var options = new ElasticDistortion.Options { MinScale = 1, MaxScale = 1, ControlPointSigmaPixels = 0 };
            var set = new ElasticDistortion(options).Generate(source, seed: 1);
            Assert.Equal(Microsoft.ML.SpatialTransformer.Functional.TransformFamily.IdentityParameters(
                Microsoft.ML.SpatialTransformer.SpatialTransformKind.ThinPlateSpline), set.GetTheta(0).ToArray());
            AssertAllClose(source, set, 1e-4f);
        }

        [Fact]
        public void Clutter_WithoutClutter_IsTheDigitAtItsOffset()
        {
            var source = Digits.Train(30);
            var set = new ClutterDistortion(new ClutterDistortion.Options { ClutterCount = 0 })
                .Generate(source, seed: 1);
            for (int i = 0; i < set.Count; i++)
            {
                // theta = (s, tx, ty) with s = 60/28 and t = s - 1 - 2 offset / 28: read the offset back.
                float[] theta = set.GetTheta(i).ToArray();
                Assert.Equal(60f / 28f, theta[0], 1e-5);
                int ox = (int)System.Math.Round((theta[0] - 1 - theta[1]) * 14),
                    oy = (int)System.Math.Round((theta[0] - 1 - theta[2]) * 14);
                float[] expected = new float[60 * 60];
                float[] digit = Source(source, i);
                for (int y = 0; y < 28; y++)
                    for (int x = 0; x < 28; x++)
                        expected[(y + oy) * 60 + x + ox] = digit[y * 28 + x];
                Assert.Equal(expected, set.GetImage(i).ToArray());
            }
        }
    }
}
