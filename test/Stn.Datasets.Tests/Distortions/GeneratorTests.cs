using System;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets.Distortions;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Distortions
{
    /// <summary>
    /// What every generator owes: determinism, shapes, labels and a ground truth that reproduces the image.
    /// </summary>
    public class GeneratorTests
    {
        public static TheoryData<DistortionKind> Kinds()
            => new TheoryData<DistortionKind>(Enum.GetValues<DistortionKind>());

        private static byte[] Bytes(DistortedImageSet set) =>
            MemoryMarshal.AsBytes(set.Images.AsSpan()).ToArray()
                .Concat(MemoryMarshal.AsBytes(set.Theta.AsSpan()).ToArray())
                .Concat(MemoryMarshal.AsBytes(set.Labels.AsSpan()).ToArray())
                .Concat(MemoryMarshal.AsBytes(set.SourceIndices.AsSpan()).ToArray()).ToArray();

        [Theory]
        [MemberData(nameof(Kinds))]
        public void SameSeed_SameBytes_OtherSeed_OtherData(DistortionKind kind)
        {
            var source = Digits.Train(600); // more than one warp batch
            var generator = DistortionGenerator.Create(kind);
            byte[] first = Bytes(generator.Generate(source, seed: 42));
            byte[] again = Bytes(DistortionGenerator.Create(kind).Generate(source, seed: 42));
            Assert.True(first.AsSpan().SequenceEqual(again), $"{kind}: the same seed gave different bytes");
            var other = generator.Generate(source, seed: 43);
            Assert.False(first.AsSpan().SequenceEqual(Bytes(other)), $"{kind}: another seed gave the same bytes");
            Assert.NotEqual(generator.Generate(source, seed: 42).Theta, other.Theta);
        }

        [Theory]
        [InlineData(DistortionKind.Rotation, 1, 28, SpatialTransformKind.Similarity, 4)]
        [InlineData(DistortionKind.RotationTranslationScale, 1, 42, SpatialTransformKind.Similarity, 4)]
        [InlineData(DistortionKind.Projective, 1, 28, SpatialTransformKind.Projective, 8)]
        [InlineData(DistortionKind.Elastic, 1, 28, SpatialTransformKind.ThinPlateSpline, 32)]
        [InlineData(DistortionKind.TranslatedCluttered, 1, 60, SpatialTransformKind.Attention, 3)]
        [InlineData(DistortionKind.Addition, 2, 42, SpatialTransformKind.Similarity, 8)]
        public void Shapes(DistortionKind kind, int channels, int size, SpatialTransformKind thetaKind, int thetaLength)
        {
            var set = DistortionGenerator.Create(kind).Generate(Digits.Train(20), seed: 1, count: 33);
            Assert.Equal((kind, 1, 33, channels, size, size),
                (set.Kind, set.Seed, set.Count, set.Channels, set.Height, set.Width));
            Assert.Equal((thetaKind, thetaLength), (set.ThetaKind, set.ThetaLength));
            Assert.Equal(33L * channels * size * size, set.Images.LongLength);
            Assert.Equal(33 * thetaLength, set.Theta.Length);
            Assert.Equal(33 * channels, set.SourceIndices.Length);
            Assert.All(set.Images, v => Assert.InRange(v, 0f, 1f));
            Assert.All(set.Theta, v => Assert.True(float.IsFinite(v)));
            // Every image holds ink: the digit landed inside the canvas.
            for (int i = 0; i < set.Count; i++)
                Assert.True(set.GetImage(i).ToArray().Sum() > 10, $"{kind}: image {i} is (nearly) blank");
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Labels_MatchTheSourceDigits(DistortionKind kind)
        {
            var source = Digits.Train(50);
            var set = DistortionGenerator.Create(kind).Generate(source, seed: 5, count: 120);
            for (int i = 0; i < set.Count; i++)
            {
                if (kind == DistortionKind.Addition)
                    Assert.Equal((uint)source.Labels[set.SourceIndices[2 * i]]
                        + source.Labels[set.SourceIndices[2 * i + 1]], set.Labels[i]);
                else
                {
                    Assert.Equal(i % source.Count, set.SourceIndices[i]);
                    Assert.Equal(source.Labels[i % source.Count], set.Labels[i]);
                }
            }
            if (kind == DistortionKind.Addition)
            {
                Assert.All(set.Labels, l => Assert.InRange(l, 0u, 18u));
                Assert.True(set.Labels.Distinct().Count() > 10, "sums should cover most of 0-18");
            }
        }

        [Theory]
        [InlineData(DistortionKind.Rotation)]
        [InlineData(DistortionKind.RotationTranslationScale)]
        [InlineData(DistortionKind.Projective)]
        [InlineData(DistortionKind.Elastic)]
        [InlineData(DistortionKind.Addition)]
        public void GroundTruth_ReproducesTheImage(DistortionKind kind)
        {
            var source = Digits.Train(40);
            var set = DistortionGenerator.Create(kind).Generate(source, seed: 9, count: 40);
            int plane = set.Height * set.Width;
            // One sample at a time: a different batch than the generator's, so a mix-up of rows would show.
            for (int i = 0; i < set.Count; i += 3)
                for (int c = 0; c < set.Channels; c++)
                {
                    float[] expected = Rewarp.Channel(source, set, i, c);
                    float diff = Rewarp.MaxAbsDifference(expected, set.GetImage(i).Slice(c * plane, plane));
                    Assert.True(diff < 1e-5f, $"{kind}: sample {i} channel {c} differs from its re-warp by {diff}");
                }
        }

        [Fact]
        public void GroundTruth_ReproducesTheClutterFreeImage()
        {
            var source = Digits.Train(30);
            var set = new ClutterDistortion(new ClutterDistortion.Options { ClutterCount = 0 })
                .Generate(source, seed: 9);
            for (int i = 0; i < set.Count; i++)
            {
                float diff = Rewarp.MaxAbsDifference(Rewarp.Channel(source, set, i, 0), set.GetImage(i));
                Assert.True(diff < 1e-4f, $"sample {i} differs from its re-warp by {diff}");
            }
        }

        [Fact]
        public void Clutter_AddsInkAroundTheDigit()
        {
            var source = Digits.Train(60);
            var set = DistortionGenerator.Create(DistortionKind.TranslatedCluttered).Generate(source, seed: 11);
            int withClutter = 0;
            for (int i = 0; i < set.Count; i++)
            {
                float[] digit = Rewarp.Channel(source, set, i, 0);
                float[] image = set.GetImage(i).ToArray();
                // The digit is intact (max-combined), and clutter adds ink outside it.
                Assert.All(Enumerable.Range(0, image.Length), p => Assert.True(image[p] >= digit[p] - 1e-4f));
                if (image.Sum() > digit.Sum() + 1) withClutter++;
            }
            Assert.True(withClutter > set.Count * 0.9, $"only {withClutter} of {set.Count} images carry clutter");
        }

        [Fact]
        public void Count_CyclesThroughTheSource()
        {
            var source = Digits.Train(7);
            var set = new RotationDistortion().Generate(source, seed: 2, count: 20);
            Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 7), set.SourceIndices);
        }

        [Fact]
        public void BadSettings_NameTheOptionAndValue()
        {
            var e = Assert.Throws<ArgumentException>(() =>
                new RtsDistortion(new RtsDistortion.Options { MinScale = 1.5, MaxScale = 1.2 }));
            Assert.Contains("MinScale", e.Message);
            Assert.Contains("1.5", e.Message);
            e = Assert.Throws<ArgumentException>(() =>
                new RotationDistortion(new RotationDistortion.Options { MaxAngleDegrees = -1 }));
            Assert.Contains("MaxAngleDegrees", e.Message);
            var small = new ClutterDistortion(new ClutterDistortion.Options { CanvasSize = 20 });
            e = Assert.Throws<ArgumentException>(() => small.Generate(Digits.Train(2), seed: 1));
            Assert.Contains("CanvasSize", e.Message);
        }
    }
}
