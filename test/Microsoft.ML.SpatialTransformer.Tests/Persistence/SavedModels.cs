using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>Tiny saved models as zip bytes, and edits of their entries, for the corruption tests.</summary>
    public static class SavedModels
    {
        public const string StCnnSignature = "STCNNMCP";
        // ML.NET stores "STNWARP " with its trailing space as 0
        public const string SpatialTransformSignature = "STNWARP";

        /// <summary>
        /// A one-epoch StCnn on 12x12 images (FCN localisation of width 16, CNN classifier 8, 8): a zip of a few tens
        /// of KB.
        /// </summary>
        public static byte[] StCnn(int seed = 3)
        {
            var ml = new MLContext(seed);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 3));
            var options = new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 16 },
                Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, MaxEpochs = 1, BatchSize = 16,
            };
            var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(options))
                .Fit(data);
            return Save(ml, model, data.Schema);
        }

        /// <summary>
        /// A learned attention transform of 12x12 images to 6x6 (FCN localisation of width 16), fitted for one epoch.
        /// </summary>
        public static byte[] LearnedTransform(int seed = 3)
        {
            var ml = new MLContext(seed);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 3));
            var keyed = SyntheticImages.KeyLabel(ml).Fit(data).Transform(data);
            var options = new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Canonical", InputColumnName = "Pixels", ThetaColumnName = "Pose",
                LabelColumnName = "Label", Transform = SpatialTransformKind.Attention, OutputHeight = 6,
                OutputWidth = 6, Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 16 }, MaxEpochs = 1, TrainingBatchSize = 16, LearningRate = 3e-3,
            };
            var model = ml.Transforms.SpatialTransform(options).Fit(keyed);
            return Save(ml, model, keyed.Schema);
        }

        private static byte[] Save(MLContext ml, ITransformer model, DataViewSchema schema)
        {
            using var stream = new MemoryStream();
            ml.Model.Save(model, schema, stream);
            return stream.ToArray();
        }

        /// <summary>Full name of the Model.key entry whose model signature is <paramref name="signature"/>.</summary>
        public static string ModelKeyOf(byte[] zip, string signature)
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            return archive.Entries.Where(e => e.FullName.EndsWith("Model.key"))
                .Single(e => IndexOf(Read(archive, e.FullName), System.Text.Encoding.ASCII.GetBytes(signature)) >= 0)
                .FullName;
        }

        /// <summary>The TSModel entry beside the Model.key of <paramref name="signature"/>.</summary>
        public static string WeightsOf(byte[] zip, string signature)
            => ModelKeyOf(zip, signature)[..^"Model.key".Length] + "TSModel";

        public static byte[] Read(byte[] zip, string entry)
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            return Read(archive, entry);
        }

        private static byte[] Read(ZipArchive archive, string entry)
        {
            using var s = archive.GetEntry(entry).Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }

        /// <summary>A copy of <paramref name="zip"/> with <paramref name="entry"/>'s content replaced.</summary>
        public static byte[] WithEntry(byte[] zip, string entry, byte[] content)
        {
            using var stream = new MemoryStream();
            stream.Write(zip);
            using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
            {
                archive.GetEntry(entry).Delete();
                using var s = archive.CreateEntry(entry, CompressionLevel.Fastest).Open();
                s.Write(content);
            }
            return stream.ToArray();
        }

        public static int IndexOf(byte[] content, byte[] pattern) => content.AsSpan().IndexOf(pattern);

        /// <summary>Offset of the first occurrence of these int32 values in a row.</summary>
        public static int IndexOfInts(byte[] content, params int[] values)
            => IndexOf(content, values.SelectMany(BitConverter.GetBytes).ToArray());

        public static ITransformer Load(MLContext ml, byte[] zip) => ml.Model.Load(new MemoryStream(zip), out _);

    }
}
