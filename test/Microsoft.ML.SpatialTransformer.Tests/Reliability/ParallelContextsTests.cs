using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Reliability
{
    public class ParallelContextsTests
    {
        private static float[][] FitAndScore(int seed)
        {
            var ml = new MLContext(seed);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(96, seed));
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 16 }, Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 },
                Dropout = 0.25, MaxEpochs = 2, BatchSize = 16,
            })).Fit(data);
            return model.Transform(data).GetColumn<float[]>("Score").ToArray();
        }

        [Fact]
        public async Task FitsAndTransformsInSeparateContextsInParallelGiveTheSerialResults()
        {
            // Each fit draws its initial weights and dropout masks from generators of its own, so fits in parallel, and
            // a thread drawing from torch's global generator all the while, must not change a single bit.
            var serial = new[] { 11, 12, 13 }.Select(FitAndScore).ToArray();
            var parallel = new float[3][][];
            using var done = new CancellationTokenSource();
            var noise = Task.Run(() =>
            {
                while (!done.IsCancellationRequested)
                    using (NewDisposeScope()) rand(64);
            });
            Parallel.For(0, 3, i => parallel[i] = FitAndScore(11 + i));
            done.Cancel();
            await noise;
            for (int i = 0; i < 3; i++) Assert.Equal(serial[i], parallel[i]);
        }
    }
}
