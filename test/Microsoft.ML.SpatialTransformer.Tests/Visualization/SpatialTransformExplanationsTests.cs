using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Visualization
{
    public class SpatialTransformExplanationsTests
    {
        private const int Size = 8, Zoom = 4, Gap = 8, PanelSize = Size * Zoom;

        private sealed class Row
        {
            [VectorType(1, Size, Size)] public float[] Image { get; set; }
            [VectorType(2)] public float[] Theta { get; set; }
        }

        // A 0/1 checkerboard of 2x2 blocks: the panels stretch 0..1 to 0..255, so every pixel is 0 or 255 exactly.
        private static float[] Checkerboard() =>
            Enumerable.Range(0, Size * Size).Select(i => (float)(((i / Size / 2) + (i % Size / 2)) % 2)).ToArray();

        private static (byte R, byte G, byte B) Pixel(MLImage image, int x, int y)
        {
            var p = image.Pixels;
            int o = (y * image.Width + x) * 4;
            return image.PixelFormat == MLPixelFormat.Bgra32 ? (p[o + 2], p[o + 1], p[o]) : (p[o], p[o + 1], p[o + 2]);
        }

        private static IReadOnlyList<string> Explain(float tx, string directory, int rows = 3, int gridLines = 1)
        {
            var ml = new MLContext(1);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows)
                .Select(_ => new Row { Image = Checkerboard(), Theta = new[] { tx, 0f } }));
            var transformer = ml.Transforms.SpatialTransform("Out", "Image", "Theta", SpatialTransformKind.Translation)
                .Fit(data);
            return transformer.SaveExplanations(data, directory, maxRows: 2, zoom: Zoom, gridLines: gridLines);
        }

        [Fact]
        public void WritesOnePngPerRowWithInputOutputAndGridPanels()
        {
            using var dir = new TempDirectory();
            var files = Explain(0, dir.Path);
            Assert.Equal(new[] { Path.Combine(dir.Path, "row0.png"), Path.Combine(dir.Path, "row1.png") }, files);
            Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp.png", SearchOption.AllDirectories));
            using var image = MLImage.CreateFromFile(files[0]);
            Assert.Equal(3 * PanelSize + 2 * Gap, image.Width);
            Assert.Equal(PanelSize, image.Height);
            var board = Checkerboard();
            for (int y = 0; y < PanelSize; y++)
                for (int x = 0; x < PanelSize; x++)
                {
                    byte expected = board[(y / Zoom) * Size + x / Zoom] > 0 ? (byte)255 : (byte)0;
                    Assert.Equal((expected, expected, expected), Pixel(image, x, y));                // the input
                    // identity warp: the same
                    Assert.Equal((expected, expected, expected), Pixel(image, PanelSize + Gap + x, y));
                }
        }

        [Theory]
        [InlineData(0f, 8, 24)]     // lattice of a 2x2 output: pixel centres at -0.5 and 0.5 -> 1/4 and 3/4 of 32 px
        [InlineData(0.25f, 12, 28)] // translated by 0.25 normalised = 1/8 of the width = 4 px
        public void TheGridShowsWhereTheOutputSamples(float tx, int left, int right)
        {
            using var dir = new TempDirectory();
            using var image = MLImage.CreateFromFile(Explain(tx, dir.Path)[0]);
            int panel = 2 * (PanelSize + Gap);
            var line = (R: (byte)255, G: (byte)200, B: (byte)40);
            Assert.Equal(line, Pixel(image, panel + left, 16));
            Assert.Equal(line, Pixel(image, panel + right, 16));
            Assert.Equal(line, Pixel(image, panel + 16, 8));   // top edge (no vertical shift)
            Assert.Equal(line, Pixel(image, panel + 16, 24));  // bottom edge
            Assert.NotEqual(line, Pixel(image, panel + left + 2, 16));
            Assert.NotEqual(line, Pixel(image, panel + 16, 16));
        }

        [Fact]
        public void ALearnedTransformerFromATrainedModelExplainsItsRows()
        {
            var ml = new MLContext(seed: 2);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 2));
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                Classifier = ClassifierKind.Fcn, MaxEpochs = 1, BatchSize = 16,
            })).Fit(data);
            using var dir = new TempDirectory();
            var st = model.LastTransformer.Model.GetSpatialTransformer(0, "Pixels");
            var files = st.SaveExplanations(data, dir.Path, maxRows: 3);
            Assert.Equal(3, files.Count);
            using var image = MLImage.CreateFromFile(files[2]);
            Assert.Equal(3 * 12 * 4 + 2 * Gap, image.Width);
        }

        [Fact]
        public void BadArgumentsNameTheParameter()
        {
            var ml = new MLContext(1);
            var data =
                ml.Data.LoadFromEnumerable(new[] { new Row { Image = Checkerboard(), Theta = new[] { 0f, 0f } } });
            var transformer = ml.Transforms.SpatialTransform("Out", "Image", "Theta", SpatialTransformKind.Translation)
                .Fit(data);
            Assert.Equal("maxRows",
                Assert.Throws<ArgumentOutOfRangeException>(() => transformer.SaveExplanations(data, "x", maxRows: 0))
                .ParamName);
            Assert.Equal("zoom",
                Assert.Throws<ArgumentOutOfRangeException>(() => transformer.SaveExplanations(data, "x", zoom: 0))
                .ParamName);
            Assert.Equal("directory", Assert.Throws<ArgumentException>(() => transformer.SaveExplanations(data, " "))
                .ParamName);
            Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => transformer.SaveExplanations(null, "x"))
                .ParamName);
            var noTheta =
                ml.Data.LoadFromEnumerable(
                    new[] { new SyntheticImages.Row { Pixels = new float[144], Side = "left" } });
            var e = Assert.ThrowsAny<Exception>(() => transformer.SaveExplanations(noTheta, "x"));
            Assert.Contains("Image", e.Message);
        }
    }
}
