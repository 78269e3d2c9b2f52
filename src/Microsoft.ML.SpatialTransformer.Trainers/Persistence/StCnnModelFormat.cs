using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Persistence;

namespace Microsoft.ML.SpatialTransformer.Trainers.Persistence
{
    /// <summary>
    /// The saved form of <see cref="StCnnModelParameters"/> (after ModelParametersBase's own header).
    /// </summary>
    /// <remarks>
    /// *** Binary format ***
    /// &lt;base&gt;: int sizeof(float)
    /// network options (StNetworkOptionsFormat; layout 2 with the input normalization from 0x00010003, layout 3 with
    /// the fully connected input side from 0x00010004)
    /// int: feature dimension count; int[]: feature dimensions
    /// history (EpochHistoryFormat)
    /// Added in 0x00010002: byte[32] SHA-256 of the options and feature dimensions, byte[32] SHA-256 of "TSModel"
    /// Added in 0x00010004: id of string: the feature column trained on (older models: "Features")
    /// stream "TSModel": the network's weights (TorchSharp Module.save)
    /// Every field is range-checked as it is read and the network's size bounded before anything is built (issue 11).
    /// </remarks>
    internal static class StCnnModelFormat
    {
        private const string WeightsEntry = "TSModel";

        /// <summary>0x00010002: SHA-256 hashes of the architecture and the weights in the header.</summary>
        private const uint VersionHashed = 0x00010002;
        /// <summary>
        /// 0x00010003: the network options' layout 2 (input normalization; its statistics are in the weights).
        /// </summary>
        private const uint VersionNormalized = 0x00010003;
        /// <summary>
        /// 0x00010004: the feature column the model was trained on, and the network options' layout 3 (the pooling side
        /// before the fully connected layers).
        /// </summary>
        private const uint VersionFeatureColumn = 0x00010004;

        /// <summary>What a saved model holds.</summary>
        public sealed record Contents(StNetwork Network, int[] FeatureDimensions, List<EpochMetrics> History,
            string FeatureColumnName);

        public static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "STCNNMCP",
            verWrittenCur: VersionFeatureColumn,
            verReadableCur: VersionFeatureColumn,
            verWeCanReadBack: 0x00010001, // Initial: no hashes, loads without the check
            loaderSignature: StCnnModelParameters.LoaderSignature,
            loaderAssemblyName: typeof(StCnnModelParameters).Assembly.FullName);

        /// <summary>Writes <paramref name="model"/> after the base class's header; sets the version.</summary>
        public static void Save(ModelSaveContext ctx, Contents model)
        {
            ctx.SetVersionInfo(GetVersionInfo());
            var options = model.Network.Options;
            StNetworkOptionsFormat.Write(ctx.Writer, options);
            ctx.Writer.Write(model.FeatureDimensions.Length);
            foreach (int d in model.FeatureDimensions) ctx.Writer.Write(d);
            EpochHistoryFormat.Write(ctx.Writer, model.History);
            var weights = WeightsIntegrity.Serialize(model.Network);
            WeightsIntegrity.WriteHashes(ctx.Writer,
                StNetworkOptionsFormat.ArchitectureHash(options, model.FeatureDimensions),
                WeightsIntegrity.Hash(weights));
            ctx.SaveNonEmptyString(model.FeatureColumnName);
            ctx.SaveBinaryStream(WeightsEntry, w => w.Write(weights));
        }

        /// <summary>Reads what <see cref="Save"/> wrote, in any version from 0x00010001; the network is in eval
        /// mode.</summary>
        public static Contents Load(IHost host, ModelLoadContext ctx)
        {
            var options = StNetworkOptionsFormat.Read(host, ctx.Reader);
            int dims = LoadLimits.ReadInt(host, ctx.Reader, "feature dimension count", 1, 3);
            var featureDimensions = new int[dims];
            for (int i = 0; i < dims; i++)
                featureDimensions[i] = LoadLimits.ReadInt(host, ctx.Reader, $"feature dimension {i}", 1, int.MaxValue);
            long imageSize = (long)options.InputChannels * options.InputHeight * options.InputWidth;
            long featureSize = featureDimensions.Aggregate(1L, (a, d) => a * d);
            host.CheckDecode(featureSize == imageSize,
                $"The feature dimensions ({string.Join("x", featureDimensions)}) do not hold the network's input of "
                + $"{options.InputChannels}x{options.InputHeight}x{options.InputWidth}.");
            var history = EpochHistoryFormat.Read(host, ctx.Reader);
            var weights = WeightsIntegrity.ReadCheckedWeights(host, ctx, WeightsEntry,
                ctx.Header.ModelVerWritten >= VersionHashed,
                StNetworkOptionsFormat.ArchitectureHash(options, featureDimensions),
                "StCnn model");
            NetworkSizeBound.Of(options).Check(host, "The saved StCnn network description", weights.LongLength);
            string featureColumnName = ctx.Header.ModelVerWritten >= VersionFeatureColumn
                ? ctx.LoadNonEmptyString() : DefaultColumnNames.Features;
            TorchNativeLibrary.EnsureLoaded();
            var network = new StNetwork(options);
            try { WeightsIntegrity.LoadInto(host, network, weights, WeightsEntry, "network"); }
            catch { network.Dispose(); throw; }
            network.eval();
            return new Contents(network, featureDimensions, history, featureColumnName);
        }
    }
}
