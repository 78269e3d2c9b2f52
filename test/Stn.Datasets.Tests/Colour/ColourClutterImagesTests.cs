using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Stn.Datasets.Colour;
using Stn.Datasets.Data;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Colour
{
    public class ColourClutterImagesTests
    {
        private static ColourClutterImages Images(int seed = 1, ColourClutterOptions options = null) =>
            new ColourClutterImages(Digits.Train(50), seed, options);

        private static float[] Render(ColourClutterImages images, int index)
        {
            var image = new float[images.ImageSize];
            images.Render(index, image);
            return image;
        }

        [Fact]
        public void RowsAreColourImagesInTheUnitRangeLabelledWithTheirSourceDigit()
        {
            var images = Images();
            Assert.Equal(3 * 128 * 128, images.ImageSize);
            var source = Digits.Train(50);
            for (int i = 0; i < 60; i++)
            {
                var image = new float[images.ImageSize];
                Assert.Equal(source.Labels[i % 50], images.Render(i, image));
                Assert.Equal(source.Labels[i % 50], images.Label(i));
                Assert.All(image, v => Assert.InRange(v, 0f, 1f));
                // Colour: the channels differ somewhere (a grey image would have three equal planes).
                int plane = 128 * 128;
                Assert.Contains(Enumerable.Range(0, plane), p => Math.Abs(image[p] - image[plane + p]) > 0.1f
                    || Math.Abs(image[p] - image[2 * plane + p]) > 0.1f);
            }
        }

        [Fact]
        public void ARowIsTheSameWhateverOrderAndWhenItIsMadeAndOtherSeedsGiveOtherRows()
        {
            var images = Images(seed: 4);
            var late = Render(images, 7);
            var again = Images(seed: 4);
            Render(again, 3);
            Assert.Equal(late, Render(again, 7));
            Assert.NotEqual(late, Render(images, 8));
            Assert.NotEqual(late, Render(Images(seed: 5), 7));
        }

        [Fact]
        public void TheDigitIsDrawnInsideTheCanvasInItsColourOverTheClutter()
        {
            // No clutter, no noise, a black background: what is not black is the digit, so its pixels carry the digit's
            // ink.
            var options = new ColourClutterOptions { PatchCount = 0, NoiseAmplitude = 0, MaxBackground = 0,
                CanvasSize = 64 };
            var images = Images(options: options);
            for (int i = 0; i < 20; i++)
            {
                var image = Render(images, i);
                int plane = 64 * 64;
                var ink = Enumerable.Range(0, plane)
                    .Where(p => image[p] + image[plane + p] + image[2 * plane + p] > 0.3f).ToList();
                // The digit's box is 0.3-0.5 of the canvas and MNIST ink covers roughly a fifth of its box.
                Assert.InRange(ink.Count, 20, plane / 4);
                // The border rows and columns stay empty: the whole (rotated) box is inside.
                Assert.DoesNotContain(ink, p => p % 64 == 0 && image[p] > 0.5f && p / 64 == 0);
            }
        }

        [Fact]
        public void HardClutterCoversMoreOfTheCanvasThanModerate()
        {
            double Busy(ColourClutterOptions o)
            {
                var images = Images(options: o);
                double sum = 0;
                for (int i = 0; i < 10; i++)
                {
                    var image = Render(images, i);
                    // Mean absolute difference between horizontal neighbours: edges of patches, fragments and noise.
                    for (int p = 1; p < image.Length; p++) sum += Math.Abs(image[p] - image[p - 1]);
                }
                return sum;
            }
            Assert.True(Busy(ColourClutterOptions.Hard()) > 1.5 * Busy(ColourClutterOptions.Moderate()));
        }

        [Fact]
        public void TheDataViewMakesRowsOnDemandWithTheDocumentedSchema()
        {
            var ml = new MLContext(1);
            var images = Images(options: ColourClutterOptions.Moderate(32));
            var view = images.CreateDataView(ml, 30);
            var type = (VectorDataViewType)view.Schema[DatasetColumns.Image].Type;
            Assert.Equal(new[] { 3, 32, 32 }, type.Dimensions.ToArray());
            Assert.Equal(NumberDataViewType.UInt32, view.Schema[DatasetColumns.Label].Type);
            var first = ml.Data.CreateEnumerable<LabeledImageRow>(view, reuseRowObject: false).ToArray();
            var second = ml.Data.CreateEnumerable<LabeledImageRow>(view, reuseRowObject: false).ToArray();
            Assert.Equal(30, first.Length);
            for (int i = 0; i < 30; i++)
            {
                Assert.Equal(Render(images, i), first[i].Image);
                Assert.Equal(first[i].Image, second[i].Image);
                Assert.Equal(images.Label(i), first[i].Label);
            }
        }

        [Fact]
        public void BadSettingsAreRefusedNamingTheOption()
        {
            var e =
                Assert.Throws<ArgumentException>(() => Images(options: new ColourClutterOptions { CanvasSize = 8 }));
            Assert.Contains("CanvasSize", e.Message);
            e = Assert.Throws<ArgumentException>(() =>
                Images(options: new ColourClutterOptions { MinDigitFraction = 0.6, MaxDigitFraction = 0.4 }));
            Assert.Contains("MinDigitFraction", e.Message);
            e = Assert.Throws<ArgumentException>(() => Images().Render(0, new float[10]));
            Assert.Contains("49152", e.Message);
            Assert.Throws<ArgumentNullException>(() => new ColourClutterImages(null, 1));
        }
    }
}
