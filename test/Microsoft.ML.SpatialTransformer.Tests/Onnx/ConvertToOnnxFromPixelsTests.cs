using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    /// <summary>
    /// mlContext.Model.ConvertToOnnxFromPixels on a whole ImageAnalytics pipeline (LoadImages -> ResizeImages ->
    /// ExtractPixels -> MapValueToKey -> StCnn -> MapKeyToValue), which ML.NET's ConvertToOnnx refuses because image
    /// loading has no ONNX form.
    /// </summary>
    public class ConvertToOnnxFromPixelsTests : IDisposable
    {
        private readonly TempDirectory _images = new TempDirectory();
        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly IDataView _data;
        private readonly ITransformer _model;

        public ConvertToOnnxFromPixelsTests()
        {
            _data = _ml.Data.LoadFromEnumerable(SyntheticImages.WritePngs(SyntheticImages.Make(64, 3), _images.Path));
            _model = _ml.Transforms.LoadImages("Image", _images.Path, "Path")
                .Append(_ml.Transforms.ResizeImages("Image", 12, 12))
                .Append(_ml.Transforms.ExtractPixels("Pixels", "Image",
                    colorsToExtract: Microsoft.ML.Transforms.Image.ImagePixelExtractingEstimator.ColorBits.Red))
                .Append(_ml.Transforms.Conversion.MapValueToKey("Label", "Side"))
                .Append(_ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
                {
                    FeatureColumnName = "Pixels", LocalisationWidths = new[] { 16 },
                    Localisation = LocalisationNetworkKind.Fcn,
                    ClassifierWidths = new[] { 8, 8 }, MaxEpochs = 2, BatchSize = 16,
                }))
                .Append(_ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel"))
                .Fit(_data);
        }

        public void Dispose() => _images.Dispose();

        [Fact]
        public void OnnxRuntimeScoresThePixelsAsTheMLNetPipelineDoesWithNoLabelInput()
        {
            var scored = _model.Transform(_data);
            var pixels = scored.GetColumn<float[]>("Pixels").ToArray();   // what ExtractPixels gives: 0-255, [1,12,12]
            var expectedScores = scored.GetColumn<float[]>("Score").ToArray();
            var expectedSides = scored.GetColumn<string>("PredictedSide").ToArray();
            Assert.Contains("left", expectedSides);
            Assert.Contains("right", expectedSides);

            using var stream = new MemoryStream();
            _ml.Model.ConvertToOnnxFromPixels(_model, _data, "Pixels", stream);
            using var session = new InferenceSession(stream.ToArray());
            Assert.Equal(new[] { "Pixels" }, session.InputMetadata.Keys); // no Path, no Side: nothing but the pixels
            // The prediction's columns and MapKeyToValue's (ML.NET's converter adds its own "mlnet.*.unusedOutput"
            // names).
            Assert.Equal(new[] { "PredictedLabel.output", "PredictedSide.output", "Score.output" },
                session.OutputMetadata.Keys.Where(k => !k.StartsWith("mlnet.")).OrderBy(k => k));
            var input = NamedOnnxValue.CreateFromTensor("Pixels",
                new DenseTensor<float>(pixels.SelectMany(p => p).ToArray(), new[] { pixels.Length, 1, 12, 12 }));
            using var results = session.Run(new[] { input });
            var byName = results.ToDictionary(r => r.Name);
            var scores = byName["Score.output"].AsTensor<float>().ToArray();
            double worst = 0;
            for (int i = 0; i < pixels.Length; i++)
                for (int k = 0; k < 2; k++)
                    worst = Math.Max(worst, Math.Abs(expectedScores[i][k] - scores[i * 2 + k]));
            // the bound of ML.NET's converter path (opset 12)
            Assert.True(worst <= 1e-4, $"scores differ by {worst:E2}");
            Assert.Equal(expectedSides, byName["PredictedSide.output"].AsTensor<string>().ToArray());
            // PredictedLabel keeps the training label's keys: 1-based indices into ("left", "right") in key order.
            var keys = scored.GetColumn<uint>("PredictedLabel").ToArray();
            Assert.Equal(keys, byName["PredictedLabel.output"].AsTensor<uint>().ToArray());
        }

        [Fact]
        public void TheWholePipelineIsRefusedWithTheStepThatHasNoOnnxFormAndTheColumnToStartFrom()
        {
            // ML.NET's own converter fails on the whole pipeline without naming the step.
            Assert.ThrowsAny<Exception>(() => _ml.Model.ConvertToOnnx(_model, _data, new MemoryStream()));
            var e = Assert.Throws<InvalidOperationException>(() => _ml.Model.ConvertToOnnxFromPixels(_model, _data,
                null, new MemoryStream()));
            Assert.StartsWith("Step 1 of 6 (ImageLoadingTransformer, writing 'Image') cannot be exported to ONNX",
                e.Message);
            Assert.Contains("mlContext.Model.ConvertToOnnxFromPixels(model, data, \"Pixels\", stream)", e.Message);
        }

        [Fact]
        public void AColumnNoStepWritesIsNamedWithTheVectorColumnsThereAre()
        {
            var e = Assert.Throws<ArgumentException>(() => _ml.Model.ConvertToOnnxFromPixels(_model, _data, "Pixel",
                new MemoryStream()));
            Assert.StartsWith("Column 'Pixel' not found: neither the input data nor any of the " +
                "model's 6 steps writes it.", e.Message);
            Assert.Contains("'Pixels'", e.Message);
            var image = Assert.Throws<ArgumentException>(() => _ml.Model.ConvertToOnnxFromPixels(_model, _data, "Side",
                new MemoryStream()));
            Assert.StartsWith("Schema mismatch for input column 'Side': expected known-size " +
                "vector of Single, got String", image.Message);
        }
    }
}
