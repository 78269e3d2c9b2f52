using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Pipeline
{
    public class LearnedSpatialTransformTests
    {
        private static SpatialTransformEstimator.Options Learned(
            SpatialTransformKind kind = SpatialTransformKind.Attention) => new()
        {
            OutputColumnName = "Canonical", InputColumnName = "Pixels", ThetaColumnName = "Pose",
            LabelColumnName = "Label", Transform = kind, OutputHeight = 6, OutputWidth = 6,
            Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 },
            MaxEpochs = 2, TrainingBatchSize = 32, LearningRate = 3e-3,
        };

        [Fact]
        public void LearnsATransformThatSavesAndReloadsInAFreshProcess()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(256, 1)));
            var model = (SpatialTransformTransformer)EstimatorConformance.Check(ml,
                ml.Transforms.SpatialTransform(Learned()), data,
                (ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 2)), typeof(ArgumentOutOfRangeException),
                "Could not find label column 'Label'"));
            Assert.True(model.IsLearned);
            var output = model.Transform(data);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 6, 6), output.Schema["Canonical"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), output.Schema["Pose"].Type);
            var poses = output.GetColumn<float[]>("Pose").ToArray();
            Assert.All(poses, p => Assert.All(p, v => Assert.True(float.IsFinite(v))));
            // Training moved the localisation network off the identity (1, 0, 0), and differently per image.
            Assert.Contains(poses, p => Math.Abs(p[0] - 1) + Math.Abs(p[1]) + Math.Abs(p[2]) > 1e-3);
            Assert.True(poses.Select(p => p[1]).Distinct().Count() > 1);
        }

        [Fact]
        public void TheCatalogsLabelColumnLearnsTheTransform()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1)));
            var model = ml.Transforms.SpatialTransform("Canonical", "Pixels", "Pose",
                SpatialTransformKind.Attention, 6, 6,
                labelColumnName: "Label").Fit(data);
            Assert.True(model.IsLearned);
            var output = model.Transform(data);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), output.Schema["Pose"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 6, 6), output.Schema["Canonical"].Type);
        }

        [Fact]
        public void CanonicalImagesFeedAnyMLNetTrainer()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(SyntheticImages.Make(256, 3));
            var pipeline = SyntheticImages.KeyLabel(ml)
                .Append(ml.Transforms.SpatialTransform(Learned(SpatialTransformKind.Affine)))
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Canonical"));
            var model = pipeline.Fit(train);
            var metrics = ml.MulticlassClassification.Evaluate(
                model.Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(128, 4))));
            Assert.True(metrics.MicroAccuracy > 0.6, $"accuracy {metrics.MicroAccuracy}");
        }
    
        [Fact]
        public void LearnsFromAnImageColumnToo()
        {
            using var dir = new TempDirectory();
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.WritePngs(SyntheticImages.Make(64, 6), dir.Path));
            var options = Learned();
            options.InputColumnName = "Image";
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.Transforms.LoadImages("Image", dir.Path, "Path"))
                .Append(ml.Transforms.ResizeImages("Image", 12, 12))
                .Append(ml.Transforms.SpatialTransform(options)).Fit(data);
            var output = model.Transform(data);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3, 6, 6), output.Schema["Canonical"].Type);
            Assert.Equal(64, output.GetColumn<float[]>("Pose").Count());
        }
    }
}
