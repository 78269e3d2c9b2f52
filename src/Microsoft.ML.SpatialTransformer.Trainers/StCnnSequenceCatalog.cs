using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Trainers;

// The catalog extensions (this class and StCnnCatalog) are this assembly's one exception to folder = namespace: as
// ML.NET's own, they live in Microsoft.ML so that their methods appear on mlContext without a using directive.
namespace Microsoft.ML
{
    /// <summary>Multi-digit sequence reading on <see cref="MulticlassClassificationCatalog"/>: the trainer and its
    /// evaluation.</summary>
    public static class StCnnSequenceCatalog
    {
        /// <summary>
        /// Trains a reader of 1-5 digit sequences: features an image vector [C,H,W], label a text column of digits
        /// ("307").
        /// <paramref name="seriesTransformers"/> 0 puts one spatial transformer at the input (ST-CNN single), k > 0 one
        /// before each of the first k classifier stages (ST-CNN multi); <paramref name="transform"/> None trains the
        /// CNN.
        /// </summary>
        public static StCnnSequenceEstimator StCnnSequence(
            this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            SpatialTransformKind transform = StCnnSequenceEstimator.Defaults.Transform, int seriesTransformers = 0,
            int maxEpochs = StCnnSequenceEstimator.Defaults.MaxEpochs,
            int batchSize = StCnnSequenceEstimator.Defaults.BatchSize)
            => new StCnnSequenceEstimator(CatalogUtils.GetEnvironment(catalog), new StCnnSequenceEstimator.Options
            {
                LabelColumnName = labelColumnName,
                FeatureColumnName = featureColumnName,
                Transform = transform,
                SeriesTransformers = seriesTransformers,
                MaxEpochs = maxEpochs,
                BatchSize = batchSize,
            });

        /// <summary>Trains a digit sequence reader with every setting of <see
        /// cref="StCnnSequenceEstimator.Options"/>.</summary>
        public static StCnnSequenceEstimator StCnnSequence(
            this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            StCnnSequenceEstimator.Options options)
            => new StCnnSequenceEstimator(CatalogUtils.GetEnvironment(catalog), options);

        /// <summary>
        /// Sequence accuracy (whole string right) and per-position accuracy of scored data: <paramref
        /// name="labelColumnName"/>
        /// and <paramref name="predictedSequenceColumnName"/> are text columns of digits. Rows with an empty label are
        /// skipped;
        /// a label that is not 1-5 digits is an error naming the column.
        /// </summary>
        public static StCnnSequenceMetrics EvaluateSequences(this MulticlassClassificationCatalog catalog,
            IDataView data,
            string labelColumnName = DefaultColumnNames.Label,
            string predictedSequenceColumnName = StCnnSequenceTransformer.DefaultPredictedSequenceColumnName)
        {
            var env = CatalogUtils.GetEnvironment(catalog);
            env.CheckValue(data, nameof(data));
            var label = data.Schema.GetColumnOrNull(labelColumnName)
                ?? throw env.ExceptSchemaMismatch(nameof(data), "label", labelColumnName);
            var predicted = data.Schema.GetColumnOrNull(predictedSequenceColumnName)
                ?? throw env.ExceptSchemaMismatch(nameof(data), "predicted sequence", predictedSequenceColumnName);
            DigitSequenceLabels.CheckColumn(env, label, nameof(data));
            if (predicted.Type is not TextDataViewType)
                throw env.ExceptSchemaMismatch(nameof(data), "predicted sequence",
                    predictedSequenceColumnName, "String",
                    predicted.Type.ToString());
            long rows = 0, right = 0, positionsRight = 0;
            Span<int> truth = stackalloc int[DigitSequenceLabels.MaxPositions];
            Span<int> guess = stackalloc int[DigitSequenceLabels.MaxPositions];
            using (var cursor = data.GetRowCursor(new[] { label, predicted }))
            {
                var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(label);
                var getPredicted = cursor.GetGetter<ReadOnlyMemory<char>>(predicted);
                ReadOnlyMemory<char> l = default, p = default;
                while (cursor.MoveNext())
                {
                    getLabel(ref l);
                    if (l.IsEmpty) continue;
                    getPredicted(ref p);
                    DigitSequenceLabels.Parse(env, labelColumnName, l.Span, truth);
                    DigitSequenceLabels.Parse(env, predictedSequenceColumnName, p.Span, guess);
                    rows++;
                    if (l.Span.SequenceEqual(p.Span)) right++;
                    for (int i = 0; i < truth.Length; i++) if (truth[i] == guess[i]) positionsRight++;
                }
            }
            if (rows == 0) throw env.Except($"The data has no row with a label in '{labelColumnName}' to evaluate.");
            return new StCnnSequenceMetrics(rows, (double)right / rows,
                (double)positionsRight / (rows * DigitSequenceLabels.MaxPositions));
        }
    }
}
