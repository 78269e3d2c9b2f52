using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    /// <summary>ML.NET's own exporter (mlContext.Model.ConvertToOnnx) on a whole pipeline ending in the StCnn trainer.</summary>
    public class ConvertToOnnxTests
    {
        [Theory]
        [InlineData(SpatialTransformKind.Affine, LocalisationNetworkKind.Cnn, 1)]
        [InlineData(SpatialTransformKind.ThinPlateSpline, LocalisationNetworkKind.Fcn, 2)]
        public void ThePipelineConvertsAndOnnxRuntimeGivesTheSameScoresAndLabels(SpatialTransformKind kind, LocalisationNetworkKind localisation, int parallel)
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticImages.Make(64, 4);
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
                {
                    FeatureColumnName = "Pixels", Transform = kind, Localisation = localisation, LocalisationWidths = localisation == LocalisationNetworkKind.Cnn ? new[] { 8, 8, 16 } : new[] { 16 },
                    Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, ParallelTransformers = parallel, MaxEpochs = 2, BatchSize = 16,
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
                NamedOnnxValue.CreateFromTensor("Pixels", new DenseTensor<float>(rows.SelectMany(r => r.Pixels).ToArray(), new[] { rows.Length, 1, 12, 12 })),
                NamedOnnxValue.CreateFromTensor("Side", new DenseTensor<string>(rows.Select(r => r.Side).ToArray(), new[] { rows.Length, 1 })),
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
        }
    }
}
