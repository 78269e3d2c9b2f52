using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Persistence;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>Issue 12: the saved flag, and models saved before it.</summary>
    public class NormalisationFormatTests
    {
        private static readonly string Resources = Path.Combine(AppContext.BaseDirectory, "Persistence", "Resources");

        [Fact]
        public void ModelsSavedBeforeTheFlagLoadWithoutNormalisation()
        {
            var ml = new MLContext(1);
            var loaded = ml.Model.Load(Path.Combine(Resources, "stcnn-v1.zip"), out _);
            var model = (loaded as MulticlassPredictionTransformer<StCnnModelParameters>
                ?? ((TransformerChain<ITransformer>)loaded)
                .OfType<MulticlassPredictionTransformer<StCnnModelParameters>>().Single()).Model;
            Assert.Equal(InputNormalization.None, model.Network.InputNormalization);
            Assert.Null(model.TorchNetwork.InputNormalisation);
            var transform = ml.Model.Load(Path.Combine(Resources, "learned-st-v1.zip"), out _);
            var st = transform as SpatialTransformTransformer ?? ((TransformerChain<ITransformer>)transform)
                .OfType<SpatialTransformTransformer>().Single();
            Assert.Null(st.LearnedModule.LocalisationInput);
        }

        [Fact]
        public void TheArchitectureHashCoversTheFlagAndKeepsOldModelsHashes()
        {
            var plain = new StNetworkOptions { InputChannels = 3, Classes = 4 };
            var normalised = plain with { InputNormalization = InputNormalization.PerChannelMeanStd };
            var dims = new[] { 3, 28, 28 };
            Assert.NotEqual(StNetworkOptionsFormat.ArchitectureHash(plain, dims),
                StNetworkOptionsFormat.ArchitectureHash(normalised, dims));

            // Models hashed before the flag existed hashed layout 1's bytes; a None network must hash the same today.
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                StNetworkOptionsFormat.Write(writer, plain);
            var layout3 = stream.ToArray();
            Assert.Equal(3, BitConverter.ToInt32(layout3, 0));
            Assert.Equal(0, BitConverter.ToInt32(layout3, layout3.Length - 8)); // normalization None
            Assert.Equal(0, BitConverter.ToInt32(layout3, layout3.Length - 4)); // no pooling
            var layout1 = layout3[..^8];
            BitConverter.GetBytes(1).CopyTo(layout1, 0);
            var old = layout1.Concat(BitConverter.GetBytes(dims.Length))
                .Concat(dims.SelectMany(BitConverter.GetBytes)).ToArray();
            Assert.Equal(SHA256.HashData(old), StNetworkOptionsFormat.ArchitectureHash(plain, dims));
        }
    }
}
