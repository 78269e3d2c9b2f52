using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>The StCnn trainer goes through the same conformance checks as the SpatialTransform estimator.</summary>
    public class StCnnConformanceTests
    {
        [Fact]
        public void StCnnPassesConformance()
        {
            var ml = new MLContext(seed: 1);
            var keyLabel = SyntheticImages.KeyLabel(ml);
            var valid = ml.Data.LoadFromEnumerable(SyntheticImages.Make(48, 1));
            var estimator =
                keyLabel.Append(ml.MulticlassClassification.Trainers.StCnn(StCnnTrainerTests.SmallOptions(epochs: 2)));
            var unlabelled = ml.Data.LoadFromEnumerable(SyntheticImages.Make(48, 1)
                .Select(r => new NoLabel { Pixels = r.Pixels }));
            var wrongSize = ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)
                .Select(r => new WrongSize { Pixels = r.Pixels.Take(100).ToArray(), Side = r.Side }));
            EstimatorConformance.Check(ml, estimator, valid,
                (unlabelled, typeof(ArgumentOutOfRangeException), "Could not find input column 'Side'"),
                (wrongSize, typeof(ArgumentOutOfRangeException), "Schema mismatch for input column 'Pixels'"));
        }

        private sealed class NoLabel
        {
            [Microsoft.ML.Data.VectorType(1, 12, 12)] public float[] Pixels { get; set; }
        }

        private sealed class WrongSize
        {
            [Microsoft.ML.Data.VectorType(100)] public float[] Pixels { get; set; }
            public string Side { get; set; }
        }
    }
}
