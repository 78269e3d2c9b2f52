using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Trainers;

// The catalog extensions (this class and StCnnSequenceCatalog) are this assembly's one exception to folder = namespace:
// as ML.NET's own, they live in Microsoft.ML so that their methods appear on mlContext without a using directive.
namespace Microsoft.ML
{
    /// <summary>
    /// Spatial transformer trainers on <see cref="MulticlassClassificationCatalog.MulticlassClassificationTrainers"/>.
    /// </summary>
    public static class StCnnCatalog
    {
        /// <summary>
        /// Trains an image classifier with spatial transformers (an affine ST-CNN by default; <see
        /// cref="SpatialTransformKind.None"/> gives the plain CNN baseline). Features: an image vector [C,H,W]
        /// (ExtractPixels output or Vector&lt;Single, C, H, W&gt;); label: a key column (MapValueToKey).
        /// </summary>
        public static StCnnTrainer StCnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            SpatialTransformKind transform = StCnnTrainer.Defaults.Transform,
            int maxEpochs = StCnnTrainer.Defaults.MaxEpochs,
            int batchSize = StCnnTrainer.Defaults.BatchSize)
            => new StCnnTrainer(CatalogUtils.GetEnvironment(catalog), new StCnnTrainer.Options
            {
                LabelColumnName = labelColumnName,
                FeatureColumnName = featureColumnName,
                Transform = transform,
                MaxEpochs = maxEpochs,
                BatchSize = batchSize,
            });

        /// <summary>
        /// Trains an image classifier with spatial transformers with every setting of <see
        /// cref="StCnnTrainer.Options"/>.
        /// </summary>
        public static StCnnTrainer StCnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            StCnnTrainer.Options options)
            => new StCnnTrainer(CatalogUtils.GetEnvironment(catalog), options);
    }
}
