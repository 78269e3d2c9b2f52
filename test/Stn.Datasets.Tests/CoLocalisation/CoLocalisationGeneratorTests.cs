using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets.CoLocalisation;
using Stn.Datasets.Data;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.CoLocalisation
{
    public class CoLocalisationGeneratorTests
    {
        private static readonly LabeledImageSet Source = Digits.Train(2000);

        [Fact]
        public void EachImageHoldsItsDigitExactlyInsideTheTrueBox()
        {
            var set = new CoLocalisationGenerator().Generate(Source, 7, seed: 1);
            Assert.Equal(100, set.Count);
            Assert.Equal(84, set.CanvasSize);
            Assert.Equal(100L * 84 * 84, set.Pixels.LongLength);
            var members = Enumerable.Range(0, Source.Count).Where(i => Source.Labels[i] == 7).Take(100).ToArray();
            for (int i = 0; i < set.Count; i++)
            {
                var box = set.Boxes[i];
                Assert.Equal((28.0, 28.0), (box.Width, box.Height));
                Assert.InRange(box.Left, 0, 84 - 28);
                Assert.InRange(box.Top, 0, 84 - 28);
                var digit = Source.GetPixels(members[i]);
                var image = set.Pixels.AsSpan(i * 84 * 84, 84 * 84);
                double inside = 0;
                for (int y = 0; y < 84; y++)
                    for (int x = 0; x < 84; x++)
                    {
                        bool within = x >= box.Left && x < box.Left + 28 && y >= box.Top && y < box.Top + 28;
                        float expected = within ? digit[(y - (int)box.Top) * 28 + x - (int)box.Left] / 255f : 0f;
                        Assert.Equal(expected, image[y * 84 + x]);
                        inside += within ? image[y * 84 + x] : 0;
                    }
                Assert.True(inside > 0);
            }
            // Places vary.
            Assert.True(set.Boxes.Select(b => (b.Left, b.Top)).Distinct().Count() > 50);
        }

        [Fact]
        public void ClutterAddsInkOutsideTheBoxAndKeepsTheDigit()
        {
            var options = new CoLocalisationGenerator.Options { PerClass = 20, ClutterCount = 16 };
            var set = new CoLocalisationGenerator(options).Generate(Source, 2, seed: 4);
            var members = Enumerable.Range(0, Source.Count).Where(i => Source.Labels[i] == 2).Take(20).ToArray();
            int withInkOutside = 0;
            for (int i = 0; i < set.Count; i++)
            {
                var box = set.Boxes[i];
                var digit = Source.GetPixels(members[i]);
                var image = set.Pixels.AsSpan(i * 84 * 84, 84 * 84);
                bool outside = false;
                for (int y = 0; y < 84; y++)
                    for (int x = 0; x < 84; x++)
                    {
                        float v = image[y * 84 + x];
                        Assert.InRange(v, 0f, 1f);
                        bool within = x >= box.Left && x < box.Left + 28 && y >= box.Top && y < box.Top + 28;
                        // max keeps the digit
                        if (within) Assert.True(v >= digit[(y - (int)box.Top) * 28 + x - (int)box.Left] / 255f);
                        else outside |= v > 0;
                    }
                if (outside) withInkOutside++;
            }
            Assert.Equal(set.Count, withInkOutside);
        }

        [Fact]
        public void TheSameSeedGivesTheSameImagesAndAnotherDoesNot()
        {
            var generator =
                new CoLocalisationGenerator(new CoLocalisationGenerator.Options { PerClass = 10, ClutterCount = 16 });
            var a = generator.Generate(Source, 1, seed: 9);
            var b = generator.Generate(Source, 1, seed: 9);
            var c = generator.Generate(Source, 1, seed: 10);
            Assert.Equal(a.Pixels, b.Pixels);
            Assert.Equal(a.Boxes, b.Boxes);
            Assert.NotEqual(a.Pixels, c.Pixels);
        }

        [Fact]
        public void TheDataViewHasOneKnownSizeImageColumn()
        {
            var ml = new MLContext(1);
            var set = new CoLocalisationGenerator(new CoLocalisationGenerator.Options { PerClass = 3 })
                .Generate(Source, 0, seed: 1);
            var view = set.ToDataView(ml);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 84, 84),
                view.Schema[DatasetColumns.Image].Type);
            var rows = view.GetColumn<float[]>(DatasetColumns.Image).ToArray();
            Assert.Equal(set.Pixels, rows.SelectMany(r => r).ToArray());
        }

        [Fact]
        public void BadOptionsNameTheOptionAndTheValue()
        {
            var e = Assert.Throws<ArgumentException>(() =>
                new CoLocalisationGenerator(new CoLocalisationGenerator.Options { PerClass = 0 }));
            Assert.Contains("Options.PerClass must be in [1, 2147483647]; got 0", e.Message);
            e = Assert.Throws<ArgumentException>(() =>
                new CoLocalisationGenerator(new CoLocalisationGenerator.Options { CanvasSize = 20 })
                    .Generate(Source, 0, 1));
            Assert.Contains("Options.CanvasSize must be at least the source size 28; got 20", e.Message);
            e = Assert.Throws<ArgumentException>(() =>
                new CoLocalisationGenerator(new CoLocalisationGenerator.Options { PerClass = 5000 })
                    .Generate(Source, 0, 1));
            Assert.Contains("Options.PerClass must be at most the", e.Message);
        }

        [Fact]
        public void IntersectionOverUnionMatchesHandComputedValues()
        {
            Assert.Equal(1.0, BoxOverlap.IntersectionOverUnion(new PixelBox(3, 4, 10, 10), new PixelBox(3, 4, 10, 10)));
            Assert.Equal(0.0,
                BoxOverlap.IntersectionOverUnion(new PixelBox(0, 0, 10, 10), new PixelBox(10, 0, 10, 10)));
            // Overlap 5x10 = 50; union 100 + 100 - 50 = 150.
            Assert.Equal(50.0 / 150,
                BoxOverlap.IntersectionOverUnion(new PixelBox(0, 0, 10, 10), new PixelBox(5, 0, 10, 10)), 1e-12);
            // A 28x28 box shifted by 7 px on both axes: (21*21) / (2*784 - 441).
            Assert.Equal(441.0 / 1127,
                BoxOverlap.IntersectionOverUnion(new PixelBox(0, 0, 28, 28), new PixelBox(7, 7, 28, 28)), 1e-12);
        }
    }
}
