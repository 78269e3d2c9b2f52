using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using Stn.Datasets;
using Stn.Datasets.Colour;
using Stn.Datasets.Mnist;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>
    /// Issue 12: the trainer's networks for larger colour images (downsampling ST by default, pooled heads).
    /// </summary>
    public class ColourNetworkTrainerTests
    {
        private static readonly Stn.Datasets.Data.LabeledImageSet Digits =
            MnistDataset.LoadSplit(RepositoryPaths.MnistSubset(), MnistSplit.Train).Take(300);

        private static StNetworkOptions FittedNetwork(int size, StCnnTrainer.Options options, int rows = 16)
        {
            var ml = new MLContext(seed: 1);
            var data = new ColourClutterImages(Digits, seed: 1, ColourClutterOptions.Moderate(size))
                .CreateDataView(ml, rows);
            options.FeatureColumnName = "Image";
            options.ClassifierWidths ??= new[] { 4, 4 };
            options.MaxEpochs = 1;
            options.BatchSize = 8;
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.StCnn(options)).Fit(data);
            var parameters = model.LastTransformer.Model;
            var network = parameters.Network;
            parameters.TorchNetwork.Dispose();
            return network;
        }

        [Fact]
        public void AboveSixtyFourPixelsTheDefaultStDownsamplesAndTheHeadsArePooled()
        {
            var network = FittedNetwork(128, new StCnnTrainer.Options());
            Assert.Equal((48, 48), (network.TransformOutputHeight, network.TransformOutputWidth));
            Assert.Equal(StCnnTrainer.Defaults.FullyConnectedInputSide, network.FullyConnectedInputSide);
        }

        [Fact]
        public void TheUsersOutputSizeWinsAndSmallInputsKeepTheirSize()
        {
            var explicitSize =
                FittedNetwork(80, new StCnnTrainer.Options { TransformOutputHeight = 60, TransformOutputWidth = 40 });
            Assert.Equal((60, 40), (explicitSize.TransformOutputHeight, explicitSize.TransformOutputWidth));
            var small = FittedNetwork(64, new StCnnTrainer.Options { FullyConnectedInputSide = 0 });
            Assert.Equal((64, 64), (small.TransformOutputHeight, small.TransformOutputWidth));
            Assert.Equal(0, small.FullyConnectedInputSide);
            var plain = FittedNetwork(80, new StCnnTrainer.Options { Transform = SpatialTransformKind.None });
            Assert.Equal((0, 0), (plain.TransformOutputHeight, plain.TransformOutputWidth));
        }

        [Fact]
        public void ANegativeSideIsRefusedByTheTrainer()
        {
            var ml = new MLContext(1);
            var e = Assert.ThrowsAny<System.ArgumentException>(() =>
                ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options { FullyConnectedInputSide = -2 }));
            Assert.Contains(nameof(StCnnTrainer.Options.FullyConnectedInputSide), e.Message);
        }

        [Fact]
        public void OnATinyColourSetTheDownsamplingStCnnsLossFalls()
        {
            // 3x72x72 colour zeros and ones without clutter (ST output 48, localisation map 18 pooled to 16), 128 rows,
            // small widths: the machinery (colour input, downsampling ST, pooled heads, normalisation) learns. Ten
            // classes of colour digits need far more images than a fast test can train (see the colour benchmark).
            var ml = new MLContext(seed: 1);
            var easy = new ColourClutterOptions { CanvasSize = 72, PatchCount = 0, NoiseAmplitude = 0,
                MinDigitFraction = 0.6, MaxDigitFraction = 0.8 };
            var data = new ColourClutterImages(ZerosAndOnes(), seed: 2, easy).CreateDataView(ml, 128);
            var options = new StCnnTrainer.Options
            {
                FeatureColumnName = "Image", ClassifierWidths = new[] { 8, 16 },
                LocalisationWidths = new[] { 8, 8, 16 },
                MaxEpochs = 6, BatchSize = 16,
            };
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.StCnn(options)).Fit(data);
            var parameters = model.LastTransformer.Model;
            var losses = parameters.History.Select(e => e.TrainLoss).ToArray();
            Assert.Equal(48, parameters.Network.TransformOutputHeight);
            Assert.Contains(parameters.TorchNetwork.modules(), m => m is FixedSizePool);
            parameters.TorchNetwork.Dispose();
            Assert.True(losses[^1] < 0.7 * losses[0],
                $"losses by epoch: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
        }

        [Theory]
        [InlineData(72, 0.1)]
        [InlineData(64, 1.0)]
        public void TheLocalisationLearningRateDefaultsToATenthAboveSixtyFourPixels(int size, double expected)
        {
            // The default trains exactly as the multiplier it stands for, and not as the other one.
            var byDefault = TrainedWeights(size, null, out var log);
            Assert.Equal(TrainedWeights(size, expected, out _), byDefault);
            Assert.NotEqual(TrainedWeights(size, expected == 1.0 ? 0.1 : 1.0, out _), byDefault);
            bool said = log.Any(m =>
                m.Contains("The localisation networks learn at 0.1 times the base learning rate."));
            Assert.Equal(expected != 1.0, said);
        }

        // Every weight after one epoch of 16 rows, and the log's messages.
        private static float[] TrainedWeights(int size, double? multiplier,
            out System.Collections.Generic.List<string> log)
        {
            var ml = new MLContext(seed: 1);
            var messages = new System.Collections.Generic.List<string>();
            ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
            var data = new ColourClutterImages(Digits, seed: 1, ColourClutterOptions.Moderate(size))
                .CreateDataView(ml, 16);
            var options = new StCnnTrainer.Options
            {
                FeatureColumnName = "Image", ClassifierWidths = new[] { 4, 4 }, LocalisationWidths = new[] { 4, 4, 8 },
                MaxEpochs = 1, BatchSize = 8, LocalisationLearningRateMultiplier = multiplier,
            };
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.StCnn(options)).Fit(data);
            using var network = model.LastTransformer.Model.TorchNetwork;
            log = messages;
            return network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }

        private static Stn.Datasets.Data.LabeledImageSet ZerosAndOnes()
        {
            var keep = Enumerable.Range(0, Digits.Count).Where(i => Digits.Labels[i] <= 1).ToArray();
            var pixels = keep.SelectMany(i => Digits.GetPixels(i).ToArray()).ToArray();
            return new Stn.Datasets.Data.LabeledImageSet(pixels, keep.Select(i => Digits.Labels[i]).ToArray(),
                Digits.Height, Digits.Width);
        }
    }
}
