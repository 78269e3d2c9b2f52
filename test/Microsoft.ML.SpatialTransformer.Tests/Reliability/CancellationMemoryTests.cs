using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Reliability
{
    /// <summary>A cancelled fit frees its network, optimizer state and batches: the process-wide tensor count comes back.</summary>
    [Collection(SerialCollection.Name)]
    public class CancellationMemoryTests
    {
        private static StCnnTrainer.Options Options(int epochs) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Cnn, LocalisationWidths = new[] { 8, 8, 16 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, Dropout = 0.2, MaxEpochs = epochs, BatchSize = 16,
        };

        private static long LiveTensorsAfterCollection()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return TorchSharp.torch.Tensor.TotalCount;
        }

        [Fact]
        public void CancelledTrainingLeavesNoTensorsBehind()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(512, 1)));
            // A finished fit first, so one-off native state (libtorch's start-up, compiled samplers) is not counted.
            ml.MulticlassClassification.Trainers.StCnn(Options(1)).Fit(data).Model.Dispose();
            long before = LiveTensorsAfterCollection();

            var firstEpoch = new ManualResetEventSlim();
            ml.Log += (_, e) => { if (e.Message.Contains("epoch 1:")) firstEpoch.Set(); };
            var fit = Task.Run(() => ml.MulticlassClassification.Trainers.StCnn(Options(1000)).Fit(data));
            Assert.True(firstEpoch.Wait(TimeSpan.FromSeconds(60)), "the first epoch did not finish");
            ml.CancelExecution();
            Assert.ThrowsAny<OperationCanceledException>(() => fit.GetAwaiter().GetResult());

            Assert.Equal(before, LiveTensorsAfterCollection());
        }
    }
}
