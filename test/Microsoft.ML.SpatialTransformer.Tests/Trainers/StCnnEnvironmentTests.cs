using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>Device selection, missing values and an ImageAnalytics flow, as an ML.NET user meets them.</summary>
    public class StCnnEnvironmentTests
    {
        private static StCnnTrainer.Options Tiny(string features = "Pixels") => new()
        {
            FeatureColumnName = features, Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 8 },
            Classifier = ClassifierKind.Fcn, ClassifierWidths = new[] { 16 }, MaxEpochs = 1, BatchSize = 16,
        };

        private static IDataView Keyed(MLContext ml, SyntheticImages.Row[] rows)
        {
            var data = ml.Data.LoadFromEnumerable(rows);
            return SyntheticImages.KeyLabel(ml).Fit(data).Transform(data);
        }

        [Fact]
        public void AGpuThatIsNotThereIsAClearErrorUnlessFallbackIsAllowed()
        {
            Assert.False(TorchSharp.torch.cuda.is_available()); // this suite runs on CPU machines
            var strict = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
            var e = Assert.ThrowsAny<Exception>(() => strict.MulticlassClassification.Trainers.StCnn(Tiny())
                .Fit(Keyed(strict, SyntheticImages.Make(32, 1))));
            Assert.Contains("MLContext.GpuDeviceId is 0 but no such CUDA device is available", e.Message);
            Assert.Contains("FallbackToCpu", e.Message);

            var lenient = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
            var messages = new System.Collections.Concurrent.ConcurrentBag<string>();
            lenient.Log += (_, m) => messages.Add(m.Message);
            lenient.MulticlassClassification.Trainers.StCnn(Tiny()).Fit(Keyed(lenient, SyntheticImages.Make(32, 1)));
            Assert.Contains(messages, m => m.Contains("falling back to CPU"));
        }

        [Fact]
        public void RowsWithNanPixelsAreSkippedInTrainingAndCounted()
        {
            var ml = new MLContext(seed: 1);
            var messages = new System.Collections.Concurrent.ConcurrentBag<string>();
            ml.Log += (_, m) => messages.Add(m.Message);
            var rows = SyntheticImages.Make(40, 1);
            rows[3].Pixels[10] = float.NaN;
            rows[7].Pixels[0] = float.PositiveInfinity;
            ml.MulticlassClassification.Trainers.StCnn(Tiny()).Fit(Keyed(ml, rows));
            Assert.Contains(messages,
                m => m.Contains("Skipped 2 row(s) of the training data with NaN or infinite pixels"));
            Assert.Contains(messages, m => m.Contains("38 training rows"));
        }

        [Fact]
        public void PngFilesThroughImageAnalyticsIntoStCnnAndEvaluate()
        {
            using var dir = new TempDirectory();
            var rows = SyntheticImages.WritePngs(SyntheticImages.Make(64, 5), dir.Path);
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(rows);
            var options = Tiny("Pixels");
            options.MaxEpochs = 4;
            options.LearningRate = 3e-3;
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Side")
                .Append(ml.Transforms.LoadImages("Image", dir.Path, "Path"))
                .Append(ml.Transforms.ResizeImages("Image", 12, 12))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Image",
                    colorsToExtract: Transforms.Image.ImagePixelExtractingEstimator.ColorBits.Red,
                    scaleImage: 1f / 255))
                .Append(ml.MulticlassClassification.Trainers.StCnn(options))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel"));
            var model = pipeline.Fit(data);
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
            Assert.True(metrics.MicroAccuracy > 0.8, $"training accuracy {metrics.MicroAccuracy}");
            var predicted = model.Transform(data).GetColumn<string>("PredictedSide").ToArray();
            Assert.Equal(rows.Length, predicted.Length);
            Assert.All(predicted, p => Assert.Contains(p, new[] { "left", "right" }));
        }
    }
}
