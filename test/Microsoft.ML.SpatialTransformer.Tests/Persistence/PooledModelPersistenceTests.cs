using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Persistence;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>Issue 12: the pooling side is saved (network layout 3); models saved in layout 2 still load.</summary>
    public class PooledModelPersistenceTests
    {
        // 12x12 images: the localisation CNN's and the classifier's 3x3 maps are pooled to 2x2.
        private static StCnnTrainer.Options Options(int side) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Cnn, LocalisationWidths = new[] { 4, 4, 8 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, MaxEpochs = 1, BatchSize = 16, FullyConnectedInputSide = side,
        };

        private static (MLContext Ml, ITransformer Model, IDataView Data) Fit(int side)
        {
            var ml = new MLContext(seed: 3);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 3));
            var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Options(side))).Fit(data);
            return (ml, model, data);
        }

        private static StCnnModelParameters Parameters(ITransformer model) =>
            ((TransformerChain<ITransformer>)model).OfType<MulticlassPredictionTransformer<StCnnModelParameters>>().Single().Model;

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
        public void AModelSavedInLayout2LoadsUnpooledAndScoresTheSame()
        {
            // Layout 2 (before the field) is layout 3 without its last int: rewrite a fresh unpooled model that way.
            var (ml, model, data) = Fit(side: 0);
            using var stream = new MemoryStream();
            ml.Model.Save(model, data.Schema, stream);
            byte[] zip = stream.ToArray();
            string key = SavedModels.ModelKeyOf(zip, SavedModels.StCnnSignature);
            byte[] content = SavedModels.Read(zip, key);
            byte[] layout3;
            using (var written = new MemoryStream())
            {
                using (var w = new BinaryWriter(written, System.Text.Encoding.UTF8, leaveOpen: true))
                    StNetworkOptionsFormat.Write(w, Parameters(model).TorchNetwork.Options);
                layout3 = written.ToArray();
            }
            int start = SavedModels.IndexOf(content, layout3);
            Assert.True(start >= 0, "the network description is in the model");
            Assert.Equal(3, BitConverter.ToInt32(layout3, 0));
            byte[] layout2 = BitConverter.GetBytes(2).Concat(layout3[4..^4]).ToArray();
            byte[] old = content[..start].Concat(layout2).Concat(content[(start + layout3.Length)..]).ToArray();
            var loaded = SavedModels.Load(ml, SavedModels.WithEntry(zip, key, old));
            Assert.Equal(0, Parameters(loaded).TorchNetwork.Options.FullyConnectedInputSide);
            Assert.Equal(model.Transform(data).GetColumn<float[]>("Score").ToArray(), loaded.Transform(data).GetColumn<float[]>("Score").ToArray());
        }
    }
}
