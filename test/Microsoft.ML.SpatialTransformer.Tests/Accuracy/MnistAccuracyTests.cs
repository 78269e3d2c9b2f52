using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using Stn.Datasets;
using Stn.Datasets.Distortions;
using Stn.Datasets.Mnist;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Accuracy
{
    /// <summary>Real digits from the MNIST subset shipped in samples/data/mnist-subset (no download).</summary>
    public class MnistAccuracyTests
    {
        private static readonly MnistDataset Mnist = MnistDataset.Load(RepositoryPaths.MnistSubset());

        private static double ErrorPercent(MLContext ml, IDataView train, IDataView test, StCnnTrainer.Options options)
        {
            options.LabelColumnName = "LabelKey";
            options.FeatureColumnName = "Image";
            var model = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
                .Append(ml.MulticlassClassification.Trainers.StCnn(options)).Fit(train);
            return 100 * (1 - ml.MulticlassClassification.Evaluate(model.Transform(test), "LabelKey").MicroAccuracy);
        }

        [Fact]
        public void StCnnLearnsPlainDigitsInAShortRun()
        {
            // A short run in the default test set: 2,000 digits, 4 epochs; stated bar: under 6% test error (4.0%
            // measured here).
            var ml = new MLContext(seed: 1);
            var train = Mnist.Train.Take(2000).ToDataView(ml);
            var test = Mnist.Test.Take(500).ToDataView(ml);
            double error = ErrorPercent(ml, train, test, new StCnnTrainer.Options
            {
                Localisation = LocalisationNetworkKind.Cnn, Classifier = ClassifierKind.Cnn, MaxEpochs = 4,
                BatchSize = 32,
            });
            Assert.True(error < 6, $"test error {error:F2}%");
        }

        [Fact]
        [Trait("Category", "Slow")]
        public void StCnnBeatsTheCnnOnRtsDigits()
        {
            // The paper's claim at small scale: on RTS-distorted digits (42x42) the affine ST-CNN errs less than the
            // same CNN without the ST; stated bars for 6,000 training digits and 6 epochs: ST-CNN under 8%, and below
            // the CNN.
            var ml = new MLContext(seed: 1);
            var generator = DistortionGenerator.Create(DistortionKind.RotationTranslationScale);
            var train = generator.Generate(Mnist.Train, 1).ToDataView(ml);
            var test = generator.Generate(Mnist.Test, 1001).ToDataView(ml);
            StCnnTrainer.Options Options(SpatialTransformKind kind) => new()
            {
                Transform = kind, DownsampleAfterTransform = kind != SpatialTransformKind.None, MaxEpochs = 6,
                BatchSize = 64,
            };
            double cnn = ErrorPercent(ml, train, test, Options(SpatialTransformKind.None));
            double stcnn = ErrorPercent(ml, train, test, Options(SpatialTransformKind.Affine));
            Assert.True(stcnn < 8, $"ST-CNN test error {stcnn:F2}%");
            Assert.True(stcnn < cnn, $"ST-CNN {stcnn:F2}% vs CNN {cnn:F2}%");
        }
    }
}
