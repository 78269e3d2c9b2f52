using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Visualization
{
    /// <summary>SaveExplanations' captions, row choice, index page and fixed pixel scale.</summary>
    public class ExplanationCaptionTests
    {
        private const int Size = 8;

        private sealed class Row
        {
            [VectorType(1, Size, Size)] public float[] Image { get; set; }
            [VectorType(6)] public float[] Theta { get; set; }
            public string Kind { get; set; }
        }

        private static float[] Square(float value) =>
            Enumerable.Range(0, Size * Size)
                .Select(i => i / Size is >= 2 and < 6 && i % Size is >= 2 and < 6 ? value : 0f).ToArray();

        private static float[] Rotation(double degrees)
        {
            double r = degrees * Math.PI / 180;
            return new[] { (float)Math.Cos(r), (float)-Math.Sin(r), 0.25f, (float)Math.Sin(r), (float)Math.Cos(r), 0f };
        }

        private static (MLContext, IDataView, SpatialTransformTransformer) Given(params Row[] rows)
        {
            var ml = new MLContext(1);
            var data = ml.Data.LoadFromEnumerable(rows);
            return (ml, data, ml.Transforms.SpatialTransform("Out", "Image", "Theta", SpatialTransformKind.Affine)
                .Fit(data));
        }

        private static string[] TableRows(string directory) =>
            File.ReadAllLines(Path.Combine(directory, "index.md"))
                .Where(l => l.StartsWith("| ") && !l.StartsWith("| row ")).ToArray();

        [Fact]
        public void TheIndexCaptionsEachRowWithItsLabelAndThetaInWords()
        {
            var (_, data, transformer) = Given(
                new Row { Image = Square(1), Theta = Rotation(30), Kind = "a" },
                new Row { Image = Square(1), Theta = Rotation(-90), Kind = "b|c" });
            using var dir = new TempDirectory();
            var files = transformer.SaveExplanations(data, dir.Path,
                new ExplanationOptions { LabelColumnName = "Kind", GridLines = 2 });
            Assert.Equal(2, files.Count);
            var rows = TableRows(dir.Path);
            Assert.Equal(2, rows.Length);
            Assert.Equal("| 0 | ![row 0](row0.png) | a |  | rotation 30.0°, scale 1.00 x 1.00, shear " +
                "0.00, shift (0.25, 0.00) |", rows[0]);
            Assert.Equal("| 1 | ![row 1](row1.png) | b\\|c |  | rotation -90.0°, scale 1.00 x 1.00, shear " +
                "0.00, shift (0.25, 0.00) |", rows[1]);
        }

        [Fact]
        public void PixelsShareOneScaleInsteadOfEachImageStretched()
        {
            // The second image is the first at half brightness: it must look half as bright, not the same.
            var (_, data, transformer) = Given(
                new Row { Image = Square(1), Theta = Rotation(0), Kind = "a" },
                new Row { Image = Square(0.5f), Theta = Rotation(0), Kind = "a" });
            using var dir = new TempDirectory();
            var files = transformer.SaveExplanations(data, dir.Path, new ExplanationOptions { Zoom = 1 });
            Assert.Equal(255, Red(files[0], 3, 3));
            Assert.Equal(127, Red(files[1], 3, 3));
            Assert.Equal(0, Red(files[1], 0, 0));

            // A fixed scale given by the caller: 0..2 makes the bright square 127.
            var fixedScale = transformer.SaveExplanations(data, dir.Path,
                new ExplanationOptions { Zoom = 1, BlackValue = 0, WhiteValue = 2 });
            Assert.Equal(127, Red(fixedScale[0], 3, 3));
            Assert.Contains("Pixel values 0 (black) to 2 (white)",
                File.ReadAllText(Path.Combine(dir.Path, "index.md")));
        }

        private static int Red(string file, int x, int y)
        {
            using var image = MLImage.CreateFromFile(file);
            int o = (y * image.Width + x) * 4;
            return image.PixelFormat == MLPixelFormat.Bgra32 ? image.Pixels[o + 2] : image.Pixels[o];
        }

        [Fact]
        public void PerClassTakesTheFirstRowsOfEachLabel()
        {
            var kinds = new[] { "a", "a", "b", "a", "c", "b", "c" };
            var (_, data, transformer) =
                Given(kinds.Select(k => new Row { Image = Square(1), Theta = Rotation(0), Kind = k }).ToArray());
            using var dir = new TempDirectory();
            transformer.SaveExplanations(data, dir.Path,
                new ExplanationOptions { LabelColumnName = "Kind", Rows = ExplanationRows.PerClass });
            Assert.Equal(new[] { "0", "2", "4" }, TableRows(dir.Path).Select(r => r.Split('|')[1].Trim()));
            transformer.SaveExplanations(data, dir.Path, new ExplanationOptions
            {
                LabelColumnName = "Kind", Rows = ExplanationRows.PerClass, RowsPerClass = 2, MaxRows = 5,
            });
            Assert.Equal(new[] { "0", "1", "2", "4", "5" }, TableRows(dir.Path).Select(r => r.Split('|')[1].Trim()));
        }

        [Fact]
        public void MisclassifiedRowsOfAScoredSetAreExactlyTheWrongPredictions()
        {
            var ml = new MLContext(seed: 3);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 5));
            // One short epoch: a model that still gets some rows wrong.
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                Classifier = ClassifierKind.Fcn,
                MaxEpochs = 1, BatchSize = 32, LearningRate = 1e-4,
            })).Fit(data);
            var scored = model.Transform(data);
            var labels = scored.GetColumn<uint>("Label").ToArray();
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            var wrong = Enumerable.Range(0, labels.Length)
                .Where(i => Array.IndexOf(scores[i], scores[i].Max()) != labels[i] - 1).ToArray();
            Assert.NotEmpty(wrong);
            var names = new VBuffer<ReadOnlyMemory<char>>();
            scored.Schema["Score"].GetSlotNames(ref names);

            var st = model.LastTransformer.Model.GetSpatialTransformer(0, "Pixels");
            using var dir = new TempDirectory();
            var files = st.SaveExplanations(scored, dir.Path, new ExplanationOptions
            {
                LabelColumnName = "Label", Rows = ExplanationRows.Misclassified, MaxRows = 100,
            });
            Assert.Equal(wrong.Length, files.Count);
            var rows = TableRows(dir.Path);
            for (int k = 0; k < wrong.Length; k++)
            {
                int i = wrong[k], predicted = Array.IndexOf(scores[i], scores[i].Max());
                var cells = rows[k].Split('|').Select(c => c.Trim()).ToArray();
                Assert.Equal(i.ToString(), cells[1]);
                Assert.Equal(names.GetValues()[(int)labels[i] - 1].ToString(), cells[3]);
                Assert.Equal($"{names.GetValues()[predicted]} (p = {scores[i][predicted]:F3}) **wrong**", cells[4]);
            }
        }

        private sealed class DigitRow
        {
            [VectorType(1, 12, 12)] public float[] Pixels { get; set; }
            public uint Digit { get; set; }
        }

        [Fact]
        public void NumericLabelsNameThePredictionByTheLabelsKeyValues()
        {
            // Numeric labels: ML.NET's scorer gives Score no slot names, so the prediction is named by the label's key
            // values.
            var ml = new MLContext(seed: 3);
            var rows = SyntheticImages.Make(32, 6)
                .Select(r => new DigitRow { Pixels = r.Pixels, Digit = r.Side == "left" ? 7u : 3u }).ToArray();
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.Conversion.MapValueToKey("Label", "Digit")
                .Append(ml.MulticlassClassification.Trainers.StCnn(
                new StCnnTrainer.Options
                {
                    FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                    Classifier = ClassifierKind.Fcn,
                    MaxEpochs = 1, BatchSize = 16,
                })).Fit(data);
            var scored = model.Transform(data);
            Assert.False(scored.Schema["Score"].HasSlotNames());
            var keys = scored.GetColumn<uint>("Label").ToArray();
            var scores = scored.GetColumn<float[]>("Score").ToArray();
            var keyValues = new VBuffer<uint>();
            scored.Schema["Label"].GetKeyValues(ref keyValues);

            using var dir = new TempDirectory();
            model.LastTransformer.Model.GetSpatialTransformer(0, "Pixels").SaveExplanations(scored, dir.Path,
                new ExplanationOptions { LabelColumnName = "Label", MaxRows = 6 });
            var table = TableRows(dir.Path);
            for (int i = 0; i < 6; i++)
            {
                var cells = table[i].Split('|').Select(c => c.Trim()).ToArray();
                int predicted = Array.IndexOf(scores[i], scores[i].Max());
                Assert.Equal(rows[i].Digit.ToString(), cells[3]);
                Assert.StartsWith($"{keyValues.GetValues()[predicted]} (p = ", cells[4]);
                Assert.Equal(predicted != keys[i] - 1, cells[4].EndsWith("**wrong**"));
            }
        }

        [Fact]
        public void OptionsThatCannotBeMetSayWhy()
        {
            var (_, data, transformer) = Given(new Row { Image = Square(1), Theta = Rotation(0), Kind = "a" });
            var e = Assert.Throws<ArgumentException>(() => transformer.SaveExplanations(data, "x",
                new ExplanationOptions { Rows = ExplanationRows.Misclassified }));
            Assert.Contains("LabelColumnName", e.Message);
            e = Assert.Throws<ArgumentException>(() =>
                transformer.SaveExplanations(data, "x", new ExplanationOptions { LabelColumnName = "Nope" }));
            Assert.Contains("'Nope'", e.Message);
            e = Assert.Throws<ArgumentException>(() =>
                transformer.SaveExplanations(data, "x", new ExplanationOptions { BlackValue = 1, WhiteValue = 1 }));
            Assert.Contains("WhiteValue above BlackValue", e.Message);
            var range = Assert.Throws<ArgumentOutOfRangeException>(() =>
                transformer.SaveExplanations(data, "x", new ExplanationOptions { RowsPerClass = 0 }));
            Assert.Contains("RowsPerClass", range.Message);
        }
    }
}
