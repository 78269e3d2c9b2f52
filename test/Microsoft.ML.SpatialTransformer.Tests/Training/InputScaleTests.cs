using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Trainers;
using Microsoft.ML.Transforms.Image;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>Issue 12: raw 0-255 pixels from ImageAnalytics train as well as pixels scaled to 0-1.</summary>
    public class InputScaleTests
    {
        private readonly ITestOutputHelper _output;

        public InputScaleTests(ITestOutputHelper output) => _output = output;

        internal static StCnnTrainer.Options Small(InputNormalization normalization) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 8 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 16 }, MaxEpochs = 6, BatchSize = 16,
            LearningRate = 3e-3, InputNormalization = normalization,
        };

        /// <summary>
        /// Training accuracy of the PNG flow LoadImages -> ResizeImages -> ExtractPixels -> MapValueToKey -> StCnn.
        /// </summary>
        private double TrainingAccuracy(string directory, QuadrantImages.PngRow[] rows, float scale,
            InputNormalization normalization)
        {
            var ml = new MLContext(seed: 3);
            var data = ml.Data.LoadFromEnumerable(rows);
            var pipeline = ml.Transforms.LoadImages("Image", directory, "Path")
                .Append(ml.Transforms.ResizeImages("Image", QuadrantImages.Side, QuadrantImages.Side))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Image", scaleImage: scale))
                .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Quadrant"))
                .Append(ml.MulticlassClassification.Trainers.StCnn(Small(normalization)));
            var model = pipeline.Fit(data);
            double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(data)).MicroAccuracy;
            _output.WriteLine($"scale {scale}, {normalization}: training accuracy {accuracy:P2}");
            return accuracy;
        }

        [Fact]
        public void RawAndScaledPixelsTrainToTheSameAccuracy()
        {
            using var dir = new TempDirectory();
            var rows = QuadrantImages.Write(96, 1, dir.Path);
            double raw = TrainingAccuracy(dir.Path, rows, 1f, InputNormalization.PerChannelMeanStd);
            double scaled = TrainingAccuracy(dir.Path, rows, 1f / 255, InputNormalization.PerChannelMeanStd);
            double rawUnnormalised = TrainingAccuracy(dir.Path, rows, 1f, InputNormalization.None);
            Assert.True(scaled > 0.9, $"0-1 pixels trained to {scaled:P2}; the task should be learnable");
            Assert.True(System.Math.Abs(raw - scaled) <= 0.01,
                $"0-255 pixels trained to {raw:P2}, 0-1 pixels to {scaled:P2}");
            // Without normalisation (the old behaviour) the same raw pixels train clearly worse: the option is what
            // fixes it.
            Assert.True(rawUnnormalised < scaled - 0.2,
                $"0-255 pixels without normalisation trained to {rawUnnormalised:P2}, 0-1 pixels to {scaled:P2}");
        }
    }
}
