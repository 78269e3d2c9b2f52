using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>
    /// Issue 12: the statistics measured at Fit are stored in the model and applied alike by every scoring path, the
    /// ONNX routes and a reloaded model, for the StCnn trainer and the learned SpatialTransform.
    /// </summary>
    public class NormalisationPathsTests
    {
        public sealed class Row
        {
            [VectorType(3, 12, 12)] public float[] Pixels { get; set; }
            public string Quadrant { get; set; }
        }

        public sealed class Scored
        {
            public float[] Score { get; set; }
        }

        /// <summary>
        /// Raw-scale (0-255) 3-channel images, each channel with its own mean and spread; the label is the bright
        /// quadrant.
        /// </summary>
        private static Row[] Rows(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(i =>
            {
                int quadrant = i % 4;
                var pixels = new float[3 * 144];
                for (int c = 0; c < 3; c++)
                    for (int p = 0; p < 144; p++)
                        pixels[c * 144 + p] = 40 * c + (float)random.NextDouble() * 30 * (c + 1);
                int top = (quadrant / 2) * 6 + random.Next(0, 3), left = (quadrant % 2) * 6 + random.Next(0, 3);
                for (int c = 0; c < 3; c++)
                    for (int r = top; r < top + 4; r++)
                        for (int x = left; x < left + 4; x++)
                            pixels[c * 144 + r * 12 + x] = 250;
                return new Row { Pixels = pixels, Quadrant = "q" + quadrant };
            }).ToArray();
        }

        private static (double[] Mean, double[] Std) Reference(Row[] rows)
        {
            var statistics = new ChannelStatistics(3, 144);
            foreach (var row in rows) statistics.Add(row.Pixels);
            return (statistics.Mean, statistics.Std);
        }

        private static void AssertClose(float[][] expected, float[][] actual, double tolerance, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            double worst = 0;
            for (int i = 0; i < expected.Length; i++)
                for (int k = 0; k < expected[i].Length; k++)
                    worst = Math.Max(worst, Math.Abs(expected[i][k] - actual[i][k]));
            Assert.True(worst <= tolerance, $"{what}: scores differ by {worst:E2}");
        }

        [Fact]
        public void StCnnAppliesTheStoredStatisticsInEveryPath()
        {
            var ml = new MLContext(seed: 1);
            var rows = Rows(64, 3);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.Conversion.MapValueToKey("Label", "Quadrant")
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
                {
                    FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                    LocalisationWidths = new[] { 8 },
                    Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, MaxEpochs = 2, BatchSize = 16,
                }))
                .Fit(data);
            var parameters = model.LastTransformer.Model;

            // The statistics are the training rows' own, per channel.
            var (mean, std) = Reference(rows);
            var normalisation = parameters.TorchNetwork.InputNormalisation;
            Assert.NotNull(normalisation);
            var storedMean = normalisation.Mean.data<float>().ToArray();
            var storedStd = normalisation.Std.data<float>().ToArray();
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(mean[c], storedMean[c], 1e-3);
                Assert.Equal(std[c], storedStd[c], 1e-3);
            }
            Assert.True(storedMean.Max() > 50 && storedStd.Min() > 10,
                "the test's statistics are far from mean 0, std 1");

            var expected = model.Transform(data).GetColumn<float[]>("Score").ToArray();
            // PredictionEngine: row by row.
            var engine = ml.Model.CreatePredictionEngine<Row, Scored>(model);
            AssertClose(expected, rows.Select(r => engine.Predict(r).Score).ToArray(), 1e-6, "PredictionEngine");
            // ScoreInBatches.
            AssertClose(expected, parameters.ScoreInBatches(data, "Pixels", batchSize: 24).GetColumn<float[]>("Score")
                .ToArray(), 1e-5, "ScoreInBatches");
            // ExportOnnx.
            using (var stream = new MemoryStream())
            {
                parameters.ExportOnnx(stream);
                using var session = new InferenceSession(stream.ToArray());
                using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("image",
                    new DenseTensor<float>(rows.SelectMany(r => r.Pixels).ToArray(),
                        new[] { rows.Length, 3, 12, 12 })) });
                var probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();
                AssertClose(expected, probabilities.Chunk(4).ToArray(), 1e-4, "ExportOnnx");
            }
            // ConvertToOnnx.
            using (var stream = new MemoryStream())
            {
                ml.Model.ConvertToOnnx(model, data, stream);
                using var session = new InferenceSession(stream.ToArray());
                using var results = session.Run(new List<NamedOnnxValue>
                {
                    NamedOnnxValue.CreateFromTensor("Pixels",
                        new DenseTensor<float>(rows.SelectMany(r => r.Pixels).ToArray(),
                        new[] { rows.Length, 3, 12, 12 })), NamedOnnxValue.CreateFromTensor("Quadrant",
                        new DenseTensor<string>(rows.Select(r => r.Quadrant).ToArray(), new[] { rows.Length, 1 })),
                });
                var scores = results.Single(r => r.Name == "Score.output").AsTensor<float>().ToArray();
                AssertClose(expected, scores.Chunk(4).ToArray(), 1e-4, "ConvertToOnnx");
            }
            // Save -> load keeps the statistics and the scores.
            using (var stream = new MemoryStream())
            {
                ml.Model.Save(model, data.Schema, stream);
                stream.Position = 0;
                var reloaded = ml.Model.Load(stream, out _);
                AssertClose(expected, reloaded.Transform(data).GetColumn<float[]>("Score").ToArray(), 0,
                    "reloaded model");
                var reloadedNormalisation = ((TransformerChain<ITransformer>)reloaded)
                    .OfType<StCnnPredictionTransformer>()
                    .Single().Model.TorchNetwork.InputNormalisation;
                Assert.Equal(storedMean, reloadedNormalisation.Mean.data<float>().ToArray());
                Assert.Equal(storedStd, reloadedNormalisation.Std.data<float>().ToArray());
                Assert.Equal(InputNormalization.PerChannelMeanStd, parameters.Network.InputNormalization);
            }
        }

        [Fact]
        public void TheLearnedTransformNormalisesItsLocalisationInputAndWarpsTheRawImage()
        {
            var ml = new MLContext(seed: 1);
            var rows = Rows(48, 5);
            var data = ml.Transforms.Conversion.MapValueToKey("Label", "Quadrant").Fit(ml.Data.LoadFromEnumerable(rows))
                .Transform(ml.Data.LoadFromEnumerable(rows));
            var transformer = ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Canonical", InputColumnName = "Pixels", LabelColumnName = "Label", MaxEpochs = 1,
                Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 8 }, TrainingBatchSize = 16,
            }).Fit(data);
            var module = transformer.LearnedModule;
            var (mean, std) = Reference(rows);
            var storedMean = module.LocalisationInput.Mean.data<float>().ToArray();
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(mean[c], storedMean[c], 1e-3);
                Assert.Equal(std[c], module.LocalisationInput.Std.data<float>()[c], 1e-3);
            }

            var output = transformer.Transform(data);
            var canonical = output.GetColumn<float[]>("Canonical").ToArray();
            var theta = output.GetColumn<float[]>("Theta").ToArray();
            // The warp applies to the raw image: its values stay in the input's 0-255 scale, not the normalised one.
            Assert.True(canonical.SelectMany(v => v).Max() > 100, "the canonical image is in the caller's pixel scale");

            // Export and reload give the same outputs.
            using (var stream = new MemoryStream())
            {
                transformer.ExportOnnx(stream);
                using var session = new InferenceSession(stream.ToArray());
                using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("image",
                    new DenseTensor<float>(rows.SelectMany(r => r.Pixels).ToArray(),
                        new[] { rows.Length, 3, 12, 12 })) });
                AssertClose(theta, results.Single(r => r.Name == "theta").AsTensor<float>().ToArray().Chunk(6)
                    .ToArray(), 1e-4, "ONNX theta");
                AssertClose(canonical, results.Single(r => r.Name == "warped").AsTensor<float>().ToArray()
                    .Chunk(3 * 144).ToArray(), 1e-2, "ONNX warped");
            }
            using (var stream = new MemoryStream())
            {
                ml.Model.Save(transformer, data.Schema, stream);
                stream.Position = 0;
                var reloaded = ml.Model.Load(stream, out _).Transform(data);
                AssertClose(theta, reloaded.GetColumn<float[]>("Theta").ToArray(), 0, "reloaded theta");
                AssertClose(canonical, reloaded.GetColumn<float[]>("Canonical").ToArray(), 0, "reloaded warp");
            }
        }
    }
}
