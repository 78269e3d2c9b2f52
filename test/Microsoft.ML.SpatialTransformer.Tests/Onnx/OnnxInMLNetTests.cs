using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    public class OnnxInMLNetTests
    {
        private sealed class OnnxInput
        {
            [VectorType(1, 12, 12)] public float[] image { get; set; }
        }

        [Fact]
        public void AnExportedStCnnScoresThroughApplyOnnxModelAndSurvivesSaveLoad()
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticImages.Make(64, 4);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                Classifier = ClassifierKind.Cnn,
                ClassifierWidths = new[] { 8, 8 }, MaxEpochs = 2, BatchSize = 16,
            })).Fit(data);
            var parameters = ((StCnnPredictionTransformer)model.LastTransformer).Model;
            using var dir = new TempDirectory();
            string onnx = dir.File("stcnn.onnx");
            parameters.ExportOnnx(onnx);

            var input = ml.Data.LoadFromEnumerable(rows.Select(r => new OnnxInput { image = r.Pixels }));
            var scorer = ml.Transforms.ApplyOnnxModel(new[] { "probabilities", "theta_0" }, new[] { "image" }, onnx)
                .Fit(input);
            var onnxScores = scorer.Transform(input).GetColumn<float[]>("probabilities").ToArray();
            var mlnetScores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < rows.Length; i++)
                for (int k = 0; k < 2; k++)
                    Assert.True(Math.Abs(mlnetScores[i][k] - onnxScores[i][k]) <= 1e-5,
                        $"row {i} class {k}: {mlnetScores[i][k]} vs {onnxScores[i][k]}");

            ml.Model.Save(scorer, input.Schema, dir.File("onnx-pipeline.zip"));
            var reloaded = ml.Model.Load(dir.File("onnx-pipeline.zip"), out _);
            Assert.Equal(onnxScores, reloaded.Transform(input).GetColumn<float[]>("probabilities").ToArray());

            parameters.TorchNetwork.Dispose();
            Assert.Throws<ObjectDisposedException>(() => parameters.ExportOnnx(new MemoryStream()));
        }
    }
}
