using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Reliability
{
    /// <summary>One table of bad inputs, each with the exact exception type and the words of its message.</summary>
    public class BadInputMatrixTests
    {
        private static readonly MLContext Ml = new(seed: 1);

        private static StCnnTrainer.Options Tiny() => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 8 },
            Classifier = ClassifierKind.Fcn, ClassifierWidths = new[] { 8 }, MaxEpochs = 1, BatchSize = 16,
        };

        private static IDataView View<T>(T[] rows, params (string Column, DataViewType Type)[] types) where T : class
        {
            var definition = SchemaDefinition.Create(typeof(T));
            foreach (var (column, type) in types) definition[column].ColumnType = type;
            return Ml.Data.LoadFromEnumerable(rows, definition);
        }

        private sealed class FloatLabelRow { public float[] Pixels { get; set; } public float Label { get; set; } }
        private sealed class KeyRow { public float[] Pixels { get; set; } public uint Label { get; set; } }
        private sealed class DoubleRow { public double[] Pixels { get; set; } public uint Label { get; set; } }
        private sealed class ThetaRow { public float[] Image { get; set; } public float[] Theta { get; set; } }

        private static IDataView Keyed(SyntheticImages.Row[] rows) =>
            SyntheticImages.KeyLabel(Ml).Fit(Ml.Data.LoadFromEnumerable(SyntheticImages.Make(16, 9)))
                .Transform(Ml.Data.LoadFromEnumerable(rows));

        public static TheoryData<string, Func<object>, Type, string> Cases => new()
        {
            { "label not a key", () => Ml.MulticlassClassification.Trainers.StCnn(Tiny())
                    .Fit(View(new[] { new FloatLabelRow { Pixels = new float[144], Label = 1 } },
                    ("Pixels", new VectorDataViewType(NumberDataViewType.Single, 1, 12, 12)))),
                typeof(ArgumentOutOfRangeException), "Schema mismatch for label column 'Label': expected Key" },
            { "missing feature column", () => Ml.MulticlassClassification.Trainers.StCnn(featureColumnName: "Nope")
                .Fit(Keyed(SyntheticImages.Make(8, 1))),
                typeof(ArgumentOutOfRangeException), "Could not find feature column 'Nope'" },
            { "variable-length features", () => Ml.MulticlassClassification.Trainers.StCnn(Tiny())
                    .Fit(View(new[] { new KeyRow { Pixels = new float[144], Label = 1 } },
                    ("Pixels", new VectorDataViewType(NumberDataViewType.Single)),
                    ("Label", new KeyDataViewType(typeof(uint), 2)))),
                typeof(ArgumentOutOfRangeException),
                "Schema mismatch for feature column 'Pixels': expected Vector<Single>, got VarVector<Single>" },
            { "non-float features", () => Ml.MulticlassClassification.Trainers.StCnn(Tiny())
                    .Fit(View(new[] { new DoubleRow { Pixels = new double[144], Label = 1 } },
                    ("Pixels", new VectorDataViewType(NumberDataViewType.Double, 1, 12, 12)),
                    ("Label", new KeyDataViewType(typeof(uint), 2)))),
                typeof(ArgumentOutOfRangeException),
                "Schema mismatch for feature column 'Pixels': expected Vector<Single>, got Vector<Double" },
            { "flat features without a shape", () => Ml.MulticlassClassification.Trainers.StCnn(Tiny())
                    .Fit(View(new[] { new KeyRow { Pixels = new float[144], Label = 1 } },
                    ("Pixels", new VectorDataViewType(NumberDataViewType.Single, 144)),
                    ("Label", new KeyDataViewType(typeof(uint), 2)))),
                typeof(ArgumentOutOfRangeException), "Schema mismatch for input column 'Pixels': expected " +
                    "Vector<Single, C, H, W> (or set ImageChannels, ImageHeight and ImageWidth" },
            { "a single class", () => Ml.MulticlassClassification.Trainers.StCnn(Tiny())
                    .Fit(View(new[] { new KeyRow { Pixels = new float[144], Label = 1 } },
                    ("Pixels", new VectorDataViewType(NumberDataViewType.Single, 1, 12, 12)),
                    ("Label", new KeyDataViewType(typeof(uint), 1)))),
                typeof(InvalidOperationException),
                "The label column 'Label' has 1 class(es); a classifier needs at least 2" },
            { "zero rows", () => Ml.MulticlassClassification.Trainers.StCnn(Tiny())
                .Fit(Keyed(Array.Empty<SyntheticImages.Row>())),
                typeof(InvalidOperationException), "The training data has no usable row" },
            { "only NaN pixels", () => Ml.MulticlassClassification.Trainers.StCnn(Tiny())
                .Fit(Keyed(SyntheticImages.Make(4, 1).Select(r => { r.Pixels[0] = float.NaN; return r; }).ToArray())),
                typeof(InvalidOperationException), "4 a NaN or infinite value in 'Pixels'" },
            { "NaN theta", () => Warp(float.NaN), typeof(InvalidOperationException),
                "Column 'Theta' holds NaN in row 1; expected finite transform parameters" },
            { "infinite theta", () => Warp(float.PositiveInfinity), typeof(InvalidOperationException),
                "Column 'Theta' holds Infinity in row 1" },
            { "wrong image size at scoring", () => ScoreWith(16),
                // ML.NET's scorer's words
                typeof(InvalidOperationException),
                "Incompatible features column type: 'Vector<Single, 1, 16, 16>' vs 'Vector<Single, 1, 12, 12>'" },
            // ML.NET's loader's words
            { "a zip that is no model", () => Ml.Model.Load(NotAModel(), out _), typeof(InvalidOperationException),
                "Could not load legacy format model" },
            { "negative learning rate",
                () => Ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options { LearningRate = -1 }),
                typeof(ArgumentOutOfRangeException), "LearningRate" },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void FailsClearly(string name, Func<object> action, Type exception, string message)
        {
            var e = Assert.ThrowsAny<Exception>(() => { var result = action(); (result as IDataView)?.Preview(); });
            Assert.True(exception.IsInstanceOfType(e),
                $"{name}: expected {exception.Name}, got {e.GetType().Name}: {e.Message}");
            Assert.True(e.Message.Contains(message), $"{name}: message was: {e.Message}");
        }

        [Fact]
        public void HugeThetaSamplesOutsideTheImageAndGivesZerosNotGarbage()
        {
            var output = Ml.Transforms.SpatialTransform("Out", "Image").Fit(ThetaData(1e6f)).Transform(ThetaData(1e6f))
                .GetColumn<float[]>("Out").ToArray();
            Assert.All(output[1], v => Assert.Equal(0f, v));
        }

        [Fact]
        public void UnseenLabelValuesAtScoringTimeStillScore()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 1));
            var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Tiny()))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel")).Fit(train);
            var rows = SyntheticImages.Make(4, 2);
            rows[0].Side = "up"; // a label the training data never had: its key is missing, the features still score
            var predicted = model.Transform(ml.Data.LoadFromEnumerable(rows))
                .GetColumn<string>("PredictedSide").ToArray();
            Assert.All(predicted, p => Assert.Contains(p, new[] { "left", "right" }));
        }

        private static object Warp(float bad)
            => Ml.Transforms.SpatialTransform("Out", "Image").Fit(ThetaData(bad)).Transform(ThetaData(bad));

        private static IDataView ThetaData(float second)
        {
            var rows = new[]
            {
                new ThetaRow { Image = new float[] { 1, 2, 3, 4 }, Theta = new float[] { 1, 0, 0, 0, 1, 0 } },
                new ThetaRow { Image = new float[] { 1, 2, 3, 4 }, Theta = new float[] { 1, 0, second, 0, 1, 0 } },
            };
            return View(rows, ("Image", new VectorDataViewType(NumberDataViewType.Single, 1, 2, 2)),
                ("Theta", new VectorDataViewType(NumberDataViewType.Single, 6)));
        }

        private sealed class BigRow
        {
            [VectorType(1, 16, 16)] public float[] Pixels { get; set; }
        }

        private static object ScoreWith(int side)
        {
            var model = Ml.MulticlassClassification.Trainers.StCnn(Tiny()).Fit(Keyed(SyntheticImages.Make(32, 1)));
            return model.Transform(
                Ml.Data.LoadFromEnumerable(new[] { new BigRow { Pixels = new float[side * side] } }));
        }

        private static string NotAModel()
        {
            string path = Path.Combine(Path.GetTempPath(), $"stn-not-a-model-{Guid.NewGuid():N}.zip");
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            using (var writer = new StreamWriter(zip.CreateEntry("notes.txt").Open()))
                writer.Write("not a model");
            return path;
        }
    }
}
