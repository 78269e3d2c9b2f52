using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>
    /// What a user who shows only Info and above of MLContext.Log sees of a Fit: the setup and one line an epoch.
    /// </summary>
    public class InfoLogTests
    {
        [Fact]
        public void InfoLevelShowsTheSetupAndOneLineAnEpoch()
        {
            var ml = new MLContext(seed: 1);
            var lines = new List<string>();
            ml.Log += (_, e) => { if (e.Kind >= ChannelMessageKind.Info) lock (lines) lines.Add(e.Message); };
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1));
            SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                Classifier = ClassifierKind.Fcn, MaxEpochs = 3, BatchSize = 16,
            })).Fit(data);

            Assert.Equal(3, lines.Count(l => l.Contains("epoch ")));
            Assert.Contains(lines, l => l.Contains("held in memory"));
            Assert.Contains(lines, l => l.Contains("64 training rows"));
            Assert.True(lines.Count <= 12, "Info and above:\n" + string.Join("\n", lines));
        }
    }
}
