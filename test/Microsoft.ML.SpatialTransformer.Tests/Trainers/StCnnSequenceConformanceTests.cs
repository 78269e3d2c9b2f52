using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>The digit-sequence reader goes through the same conformance checks as the other estimators.</summary>
    public class StCnnSequenceConformanceTests
    {
        [Fact]
        public void StCnnSequencePassesConformance()
        {
            var ml = new MLContext(seed: 3);
            var valid = ml.Data.TakeRows(SequenceData.Rows(ml, 48, seed: 3), 48);
            var estimator = ml.MulticlassClassification.Trainers.StCnnSequence(new()
            {
                Transform = SpatialTransformKind.Affine, MaxEpochs = 1, BatchSize = 16,
                ClassifierWidths = new[] { 4, 8 }, LocalisationWidths = new[] { 4, 4, 8 },
                Localisation = LocalisationNetworkKind.Cnn,
            });
            var unlabelled = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4)
                .Select(_ => new NoLabel { Features = new float[32 * 32] }));
            var numericLabel = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4)
                .Select(_ => new NumericLabel { Features = new float[32 * 32], Label = 3 }));
            EstimatorConformance.Check(ml, estimator, valid,
                (unlabelled, typeof(ArgumentOutOfRangeException), "Could not find label column 'Label'"),
                (numericLabel, typeof(ArgumentOutOfRangeException),
                    "Schema mismatch for label column 'Label': expected String, got Single"));
        }

        private sealed class NoLabel
        {
            [Microsoft.ML.Data.VectorType(1, 32, 32)] public float[] Features { get; set; }
        }

        private sealed class NumericLabel
        {
            [Microsoft.ML.Data.VectorType(1, 32, 32)] public float[] Features { get; set; }
            public float Label { get; set; }
        }
    }
}
