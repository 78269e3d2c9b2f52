using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    /// <summary>
    /// ML.NET's own exporter (mlContext.Model.ConvertToOnnx) on a whole pipeline ending in the StCnn trainer.
    /// </summary>
    public class ConvertToOnnxTests
    {
        [Theory]
        [InlineData(SpatialTransformKind.Affine, LocalisationNetworkKind.Cnn, 1)]
        [InlineData(SpatialTransformKind.ThinPlateSpline, LocalisationNetworkKind.Fcn, 2)]
        public void ThePipelineConvertsAndOnnxRuntimeGivesTheSameScoresAndLabels(SpatialTransformKind kind,
            LocalisationNetworkKind localisation, int parallel)
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticImages.Make(64, 4);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
                {
                    FeatureColumnName = "Pixels", Transform = kind, Localisation = localisation,
                    LocalisationWidths = localisation == LocalisationNetworkKind.Cnn ? new[] { 8, 8, 16 }
                        : new[] { 16 }, Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 },
                    ParallelTransformers = parallel, MaxEpochs = 2, BatchSize = 16,
                }))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSide", "PredictedLabel"))
                .Fit(data);
            var scored = model.Transform(data);
            var expectedScores = scored.GetColumn<float[]>("Score").ToArray();
            var expectedSides = scored.GetColumn<string>("PredictedSide").ToArray();

            using var stream = new MemoryStream();
            ml.Model.ConvertToOnnx(model, data, stream);
            using var session = new InferenceSession(stream.ToArray());
            var inputs = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor("Pixels",
                    new DenseTensor<float>(rows.SelectMany(r => r.Pixels).ToArray(), new[] { rows.Length, 1, 12, 12 })),
                NamedOnnxValue.CreateFromTensor("Side",
                    new DenseTensor<string>(rows.Select(r => r.Side).ToArray(), new[] { rows.Length, 1 })),
            };
            using var results = session.Run(inputs);
            var byName = results.ToDictionary(r => r.Name);
            var scores = byName["Score.output"].AsTensor<float>().ToArray();
            var sides = byName["PredictedSide.output"].AsTensor<string>().ToArray();
            double worst = 0;
            for (int i = 0; i < rows.Length; i++)
                for (int k = 0; k < 2; k++)
                    worst = Math.Max(worst, Math.Abs(expectedScores[i][k] - scores[i * 2 + k]));
            Assert.True(worst <= 1e-4, $"scores differ by {worst:E2}");
            Assert.Equal(expectedSides, sides);

            // A model whose network was disposed is refused by name, not silently left out of the ONNX graph.
            model.OfType<StCnnPredictionTransformer>().Single().Model.TorchNetwork.Dispose();
            var e = Assert.ThrowsAny<ObjectDisposedException>(() =>
                ml.Model.ConvertToOnnx(model, data, new MemoryStream()));
            Assert.Contains("StCnnModelParameters", e.Message);
        }
    }
}

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    /// <summary>ConvertToOnnx on pipelines with the SpatialTransform estimator (given theta and learned).</summary>
    public class SpatialTransformConvertToOnnxTests
    {
        private sealed class Row
        {
            [VectorType(1, 12, 12)] public float[] Pixels { get; set; }
            [VectorType(6)] public float[] Theta { get; set; }
        }

        private static Dictionary<string, float[]> RunOnnx(MLContext ml, ITransformer model, IDataView data,
            List<NamedOnnxValue> feeds, params string[] outputs)
        {
            using var stream = new MemoryStream();
            ml.Model.ConvertToOnnx(model, data, stream);
            using var session = new InferenceSession(stream.ToArray());
            // every input column, fed
            Assert.Equal(feeds.Select(f => f.Name).OrderBy(n => n), session.InputMetadata.Keys.OrderBy(n => n));
            using var results = session.Run(feeds, outputs.Select(o => o + ".output").ToArray());
            return results.ToDictionary(r => r.Name.Replace(".output", ""), r => r.AsTensor<float>().ToArray());
        }

        [Theory]
        [InlineData(SamplingMode.Bilinear, PaddingMode.Zeros)]
        [InlineData(SamplingMode.Nearest, PaddingMode.Border)]
        public void AGivenThetaWarpConvertsAndMatches(SamplingMode sampling, PaddingMode padding)
        {
            var ml = new MLContext(seed: 1);
            var random = new Random(3);
            var rows = Enumerable.Range(0, 20).Select(i => new Row
            {
                Pixels = Enumerable.Range(0, 144).Select(_ => (float)random.NextDouble()).ToArray(),
                Theta = new[] { 0.9f + 0.01f * i, 0.1f, 0.05f, -0.1f, 1.1f, -0.02f * i },
            }).ToArray();
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Warped", InputColumnName = "Pixels", ThetaColumnName = "Theta", OutputHeight = 8,
                OutputWidth = 10,
                Sampling = sampling, Padding = padding,
            }).Fit(data);
            var expected = model.Transform(data).GetColumn<float[]>("Warped").SelectMany(v => v).ToArray();
            var onnx = RunOnnx(ml, model, data, new()
            {
                NamedOnnxValue.CreateFromTensor("Pixels",
                    new DenseTensor<float>(rows.SelectMany(r => r.Pixels).ToArray(), new[] { 20, 1, 12, 12 })),
                NamedOnnxValue.CreateFromTensor("Theta",
                    new DenseTensor<float>(rows.SelectMany(r => r.Theta).ToArray(), new[] { 20, 6 })),
            }, "Warped");
            Assert.Equal(expected.Length, onnx["Warped"].Length);
            Assert.True(expected.Zip(onnx["Warped"], (a, b) => Math.Abs(a - b)).Max() <= 1e-5);
        }

        [Fact]
        public void ALearnedTransformConvertsWithItsThetaColumn()
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticImages.Make(96, 1);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Canonical", InputColumnName = "Pixels", ThetaColumnName = "Pose",
                LabelColumnName = "Label", Transform = SpatialTransformKind.Similarity, OutputHeight = 6,
                OutputWidth = 6, Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 16 }, MaxEpochs = 1, TrainingBatchSize = 32,
            })).Fit(data);
            var output = model.Transform(data);
            var onnx = RunOnnx(ml, model, data, new()
            {
                NamedOnnxValue.CreateFromTensor("Pixels",
                    new DenseTensor<float>(rows.SelectMany(r => r.Pixels).ToArray(), new[] { rows.Length, 1, 12, 12 })),
                NamedOnnxValue.CreateFromTensor("Side",
                    new DenseTensor<string>(rows.Select(r => r.Side).ToArray(), new[] { rows.Length, 1 })),
            }, "Canonical", "Pose");
            foreach (var column in new[] { "Canonical", "Pose" })
            {
                var expected = output.GetColumn<float[]>(column).SelectMany(v => v).ToArray();
                Assert.Equal(expected.Length, onnx[column].Length);
                Assert.True(expected.Zip(onnx[column], (a, b) => Math.Abs(a - b)).Max() <= 1e-4, column);
            }
        }
    }
}
