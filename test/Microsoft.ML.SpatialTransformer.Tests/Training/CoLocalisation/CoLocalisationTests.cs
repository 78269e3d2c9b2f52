using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Stn.Datasets.CoLocalisation;
using Stn.Datasets.Data;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training.CoLocalisation
{
    /// <summary>
    /// The CoLocalisation objective on a tiny set: 8x8 ring-shaped "digits" of one class on 24x24 canvases (the
    /// co-localisation generator with a synthetic source), no labels.
    /// </summary>
    public class CoLocalisationTests
    {
        private const int Canvas = 24, Side = 8;

        private static SpatialTransformEstimator.Options Options(int epochs = 40) => new()
        {
            OutputColumnName = "Crop", InputColumnName = DatasetColumns.Image, ThetaColumnName = "Box",
            Objective = SpatialTransformObjective.CoLocalisation, Transform = SpatialTransformKind.Attention,
            OutputHeight = Side, OutputWidth = Side, Localisation = LocalisationNetworkKind.Fcn,
            LocalisationWidths = new[] { 32 },
            MaxEpochs = epochs, TrainingBatchSize = 16, LearningRate = 3e-3,
        };

        // Rings of slightly different thickness (class 0); the generator places each at random on the canvas.
        private static CoLocalisationSet TinySet(int count = 32, int seed = 5)
        {
            var pixels = new byte[count * Side * Side];
            for (int i = 0; i < count; i++)
                for (int y = 0; y < Side; y++)
                    for (int x = 0; x < Side; x++)
                    {
                        int edge = Math.Min(Math.Min(x, y), Math.Min(Side - 1 - x, Side - 1 - y));
                        pixels[i * Side * Side + y * Side + x] = (byte)(edge <= i % 2 ? 255 : 0);
                    }
            var source = new LabeledImageSet(pixels, new byte[count], Side, Side);
            return new CoLocalisationGenerator(new CoLocalisationGenerator.Options { CanvasSize = Canvas,
                PerClass = count })
                .Generate(source, 0, seed);
        }

        private static double[] IoUs(IEnumerable<float[]> thetas, CoLocalisationSet set) => thetas
            .Select((t, i) => BoxOverlap.IntersectionOverUnion(
                ThetaDecomposition.AttentionBox(t, Canvas, Canvas), set.Boxes[i]))
            .ToArray();

        private static double MeanIoU(IEnumerable<float[]> thetas, CoLocalisationSet set) =>
            IoUs(thetas, set).Average();

        // The values logged after "marker" in messages containing "stage".
        private static List<double> Logged(MLContext ml, string stage, string marker)
        {
            var values = new List<double>();
            ml.Log += (_, e) =>
            {
                int at = e.Message.IndexOf(marker, StringComparison.Ordinal);
                if (e.Message.Contains(stage, StringComparison.Ordinal) && at >= 0)
                {
                    string value = e.Message[(at + marker.Length)..].TrimEnd('.');
                    values.Add(double.Parse(value, CultureInfo.InvariantCulture));
                }
            };
            return values;
        }

        [Fact]
        public void TheLossFallsAndTheBoxesFindTheRings()
        {
            var ml = new MLContext(seed: 1);
            var search = Logged(ml, "Co-localisation box search", "triplet loss ");
            var regression = Logged(ml, "Co-localisation epoch", "box regression loss ");
            var triplet = Logged(ml, "Co-localisation triplet epoch", "triplet loss ");
            var set = TinySet();
            var options = Options();
            options.TripletEpochs = 20;
            var model = ml.Transforms.SpatialTransform(options).Fit(set.ToDataView(ml));
            Assert.True(model.IsLearned);
            Assert.True(search.Count >= 2 && search.Min() < search[0], $"triplet losses {string.Join(", ", search)}");
            Assert.Equal(40, regression.Count);
            Assert.True(regression.Skip(35).Average() < regression.Take(5).Average() / 10,
                $"box regression losses {string.Join(", ", regression)}");
            Assert.Equal(20, triplet.Count);
            Assert.True(triplet.Skip(triplet.Count - 5).Average() < triplet.Take(5).Average(),
                $"triplet losses {string.Join(", ", triplet)}");
            var thetas = model.Transform(set.ToDataView(ml)).GetColumn<float[]>("Box").ToArray();
            double identity = MeanIoU(Enumerable.Repeat(new[] { 1f, 0f, 0f }, set.Count), set);
            var learned = IoUs(thetas, set);
            // The identity's box is the whole 24x24 canvas: IoU 64 / 576 with every 8x8 true box.
            Assert.Equal(64.0 / 576, identity, 1e-12);
            Assert.True(learned.Count(v => v > BoxOverlap.CorrectAbove) >= 0.9 * set.Count,
                $"IoUs {string.Join(", ", learned.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))}");
            // Every box has about the output's size: 8 pixels, a third of the canvas.
            Assert.All(thetas, t => Assert.InRange(t[0], 0.9 * Side / Canvas, 1.1 * Side / Canvas));
        }

        [Fact]
        public void FitsAreBitwiseRepeatableAndReloadInAFreshProcess()
        {
            var ml = new MLContext(seed: 3);
            var set = TinySet(16);
            var data = set.ToDataView(ml);
            var model = (SpatialTransformTransformer)EstimatorConformance.Check(ml,
                    ml.Transforms.SpatialTransform(Options(2)), data,
                    (ml.Data.LoadFromEnumerable(new[] { new { Pixels = new float[4] } }),
                    typeof(ArgumentOutOfRangeException),
                    "Could not find input column 'Image'"));
            var again = ml.Transforms.SpatialTransform(Options(2)).Fit(data);
            var first = new MLContext(seed: 3).Transforms.SpatialTransform(Options(2)).Fit(data).Transform(data)
                .GetColumn<float[]>("Box").ToArray();
            var second = new MLContext(seed: 3).Transforms.SpatialTransform(Options(2)).Fit(data).Transform(data)
                .GetColumn<float[]>("Box").ToArray();
            Assert.Equal(first, second);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3),
                model.Transform(data).Schema["Box"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, Side, Side),
                model.Transform(data).Schema["Crop"].Type);
            Assert.NotNull(again);
        }

        [Fact]
        public void TheOnnxExportGivesTheSameCropsAndBoxes()
        {
            var ml = new MLContext(seed: 1);
            var set = TinySet(16);
            var data = set.ToDataView(ml);
            var model = ml.Transforms.SpatialTransform(Options(2)).Fit(data);
            var output = model.Transform(data);
            var crops = output.GetColumn<float[]>("Crop").SelectMany(v => v).ToArray();
            var boxes = output.GetColumn<float[]>("Box").SelectMany(v => v).ToArray();
            using var stream = new MemoryStream();
            model.ExportOnnx(stream);
            using var session = new InferenceSession(stream.ToArray());
            var input = new DenseTensor<float>(set.Pixels.ToArray(), new[] { set.Count, 1, Canvas, Canvas });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("image", input) });
            var byName = results.ToDictionary(r => r.Name);
            Assert.True(crops.Zip(byName["warped"].AsTensor<float>().ToArray(), (a, b) => Math.Abs(a - b))
                .Max() <= 1e-5);
            Assert.True(boxes.Zip(byName["theta"].AsTensor<float>().ToArray(), (a, b) => Math.Abs(a - b))
                .Max() <= 1e-5);
        }

        [Fact]
        public void CoLocalisationNeedsTheAttentionFamily()
        {
            var ml = new MLContext(seed: 1);
            var options = Options();
            options.Transform = SpatialTransformKind.Affine;
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform(options));
            Assert.Contains("must be Attention for the CoLocalisation objective; got Affine", e.Message);
            options = Options();
            options.Objective = (SpatialTransformObjective)7;
            e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform(options));
            Assert.Contains("is not an objective: 7", e.Message);
        }

        [Fact]
        public void ALabelColumnIsNotRead()
        {
            // A label of any type, or a name no column has, is ignored: the objective needs none.
            var ml = new MLContext(seed: 1);
            var data = TinySet(8).ToDataView(ml);
            var options = Options(1);
            options.LabelColumnName = "NoSuchColumn";
            var estimator = ml.Transforms.SpatialTransform(options);
            Assert.True(estimator.GetOutputSchema(SchemaShape.Create(data.Schema)).TryFindColumn("Box", out _));
            Assert.True(estimator.Fit(data).IsLearned);
        }

        [Fact]
        public void TheTripletStageMovesTheBoxesAndByDefaultDoesNotRun()
        {
            var set = TinySet(16);
            float[][] Boxes(int tripletEpochs, out int logged)
            {
                var ml = new MLContext(seed: 2);
                var triplet = Logged(ml, "Co-localisation triplet epoch", "triplet loss ");
                var options = Options(10);
                options.TripletEpochs = tripletEpochs;
                var data = set.ToDataView(ml);
                var boxes = ml.Transforms.SpatialTransform(options).Fit(data).Transform(data)
                    .GetColumn<float[]>("Box").ToArray();
                logged = triplet.Count;
                return boxes;
            }
            var without = Boxes(SpatialTransformEstimator.Defaults.TripletEpochs, out int none);
            var with = Boxes(3, out int three);
            Assert.Equal(0, none);
            Assert.Equal(3, three);
            Assert.NotEqual(without, with);
            var options = Options();
            options.TripletEpochs = -1;
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(1).Transforms
                .SpatialTransform(options));
            Assert.Contains("TripletEpochs", e.Message);
            Assert.Contains("must be 0 (none) or positive; got -1", e.Message);
        }

        [Fact]
        public void FewerThanTwoImagesIsAnError()
        {
            var ml = new MLContext(seed: 1);
            var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.SpatialTransform(Options(1))
                .Fit(TinySet(1).ToDataView(ml)));
            Assert.Contains("Co-localisation needs at least 2 usable images in 'Image'; got 1", e.Message);
        }
    }
}
