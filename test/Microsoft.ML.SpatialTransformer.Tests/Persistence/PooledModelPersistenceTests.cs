using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Persistence;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>Issue 12: the pooling side is saved (network layout 3); models saved in layout 2 still load.</summary>
    public class PooledModelPersistenceTests
    {
        // 12x12 images: the localisation CNN's and the classifier's 3x3 maps are pooled to 2x2.
        private static StCnnTrainer.Options Options(int side) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Cnn,
            LocalisationWidths = new[] { 4, 4, 8 }, Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 },
            MaxEpochs = 1, BatchSize = 16, FullyConnectedInputSide = side,
        };

        private static (MLContext Ml, ITransformer Model, IDataView Data) Fit(int side)
        {
            var ml = new MLContext(seed: 3);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 3));
            var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Options(side)))
                .Fit(data);
            return (ml, model, data);
        }

        private static StCnnModelParameters Parameters(ITransformer model) =>
            ((System.Collections.Generic.IEnumerable<ITransformer>)model)
                .OfType<ISingleFeaturePredictionTransformer<StCnnModelParameters>>().Single().Model;

        [Fact]
        public void APooledModelReloadsInAFreshProcessWithIdenticalScores()
        {
            var (ml, model, data) = Fit(side: 2);
            var network = Parameters(model).TorchNetwork;
            Assert.Equal(2, network.Options.FullyConnectedInputSide);
            Assert.Contains(network.modules(), m => m is FixedSizePool);
            using var dir = new TempDirectory();
            ml.Model.Save(model, data.Schema, dir.File("pooled.zip"));
            var reloaded = Parameters(ml.Model.Load(dir.File("pooled.zip"), out _));
            Assert.Equal(2, reloaded.TorchNetwork.Options.FullyConnectedInputSide);
            var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
            var fresh = ModelRunnerProcess.Transform(ml, dir.File("pooled.zip"), data, dir.Path);
            Assert.Equal(scores, fresh.GetColumn<float[]>("Score").ToArray());
        }

        [Fact]
        public void ANetworkDescriptionInLayout2ReadsAsUnpooledWithTheSameArchitectureHash()
        {
            // Layout 2 (models saved before the field) is layout 3 without its last int. Read it back: no pooling, and
            // the architecture hash its weights were checked against is unchanged, so such models load and score as
            // before.
            var options = new StNetworkOptions
            {
                InputChannels = 3, InputHeight = 40, InputWidth = 40, Classes = 5,
                InputNormalization = InputNormalization.PerChannelMeanStd,
                ClassifierWidths = new[] { 8, 8 },
            };
            byte[] layout3;
            using (var written = new MemoryStream())
            {
                using (var w = new BinaryWriter(written, System.Text.Encoding.UTF8, leaveOpen: true))
                    StNetworkOptionsFormat.Write(w, options);
                layout3 = written.ToArray();
            }
            Assert.Equal(3, BitConverter.ToInt32(layout3, 0));
            byte[] layout2 = BitConverter.GetBytes(2).Concat(layout3[4..^4]).ToArray();
            var env = new MLContext(1);
            using var reader = new BinaryReader(new MemoryStream(layout2));
            var read = StNetworkOptionsFormat.Read(((Runtime.IHostEnvironment)env).Register("test"), reader);
            Assert.Equal(reader.BaseStream.Length, reader.BaseStream.Position);
            Assert.Equal(0, read.FullyConnectedInputSide);
            Assert.Equal(InputNormalization.PerChannelMeanStd, read.InputNormalization);
            var dims = new[] { 3, 40, 40 };
            Assert.Equal(StNetworkOptionsFormat.ArchitectureHash(options, dims),
                StNetworkOptionsFormat.ArchitectureHash(read, dims));
            // A pooled network hashes differently, so weights of one are never taken for the other.
            Assert.NotEqual(StNetworkOptionsFormat.ArchitectureHash(options, dims),
                StNetworkOptionsFormat.ArchitectureHash(options with { FullyConnectedInputSide = 4 }, dims));
        }

        [Fact]
        public void ALayoutFromTheFutureIsRefusedWithAMessageThatSaysSo()
        {
            using var stream = new MemoryStream(BitConverter.GetBytes(4).Concat(new byte[64]).ToArray());
            var env = new MLContext(1);
            var e = Assert.ThrowsAny<Exception>(() => StNetworkOptionsFormat.Read(((Runtime.IHostEnvironment)env)
                .Register("test"), new BinaryReader(stream)));
            Assert.Contains("layout 4", e.Message);
            Assert.Contains("layouts 1 to 3", e.Message);
        }
    }
}
