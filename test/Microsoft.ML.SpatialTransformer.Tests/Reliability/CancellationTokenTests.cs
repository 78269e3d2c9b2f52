using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Reliability
{
    /// <summary>
    /// The cancellation a user can reach: Options.CancellationToken of the StCnn trainer and of the learned
    /// SpatialTransform (MLContext.CancelExecution is internal in ML.NET 5.0.1). It stops Fit within one batch with an
    /// OperationCanceledException carrying the token.
    /// </summary>
    public class CancellationTokenTests
    {
        private static StCnnTrainer.Options Trainer(int epochs, CancellationToken token) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, MaxEpochs = epochs, BatchSize = 16,
            CancellationToken = token,
        };

        private static SpatialTransformEstimator.Options Learned(int epochs, CancellationToken token) => new()
        {
            OutputColumnName = "Canonical", InputColumnName = "Pixels", LabelColumnName = "Label",
            Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 }, MaxEpochs = epochs,
            TrainingBatchSize = 16,
            CancellationToken = token,
        };

        private static IDataView Keyed(MLContext ml, int rows) =>
            SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(rows, 1)));

        public static TheoryData<string> Estimators => new() { "StCnn", "SpatialTransform" };

        private static IEstimator<ITransformer> Make(MLContext ml, string which, int epochs, CancellationToken token)
            => which == "StCnn"
            ? ml.MulticlassClassification.Trainers.StCnn(Trainer(epochs, token))
            : ml.Transforms.SpatialTransform(Learned(epochs, token));

        [Theory]
        [MemberData(nameof(Estimators))]
        public void CancellingTheTokenStopsFitWithinABatch(string which)
        {
            var ml = new MLContext(seed: 1);
            var data = Keyed(ml, 512);
            using var cts = new CancellationTokenSource();
            var firstEpoch = new ManualResetEventSlim();
            ml.Log += (_, e) => { if (e.Message.Contains("epoch 1:")) firstEpoch.Set(); };
            var estimator = Make(ml, which, 1000, cts.Token);
            var fit = Task.Run(() => estimator.Fit(data));
            Assert.True(firstEpoch.Wait(TimeSpan.FromSeconds(60)), "the first epoch did not finish");
            var watch = Stopwatch.StartNew();
            cts.Cancel();
            var e = Assert.ThrowsAny<OperationCanceledException>(() => fit.GetAwaiter().GetResult());
            // One batch of 16 tiny images takes milliseconds; 5 s is a generous bound on a loaded CI machine.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
            Assert.Equal(cts.Token, e.CancellationToken);
        }

        [Theory]
        [MemberData(nameof(Estimators))]
        public void AnAlreadyCancelledTokenMakesFitThrowAtOnce(string which)
        {
            var ml = new MLContext(seed: 1);
            var data = Keyed(ml, 64);
            bool trained = false;
            ml.Log += (_, e) => { if (e.Message.Contains("epoch 1:")) trained = true; };
            var e = Assert.ThrowsAny<OperationCanceledException>(() =>
                Make(ml, which, 1, new CancellationToken(canceled: true)).Fit(data));
            Assert.False(trained, "an epoch ran before the cancelled token was honoured");
            Assert.True(e.CancellationToken.IsCancellationRequested);
        }

        [Fact]
        public void TheMLContextRouteStillCancelsAFitThatHasAToken()
        {
            var ml = new MLContext(seed: 1);
            var data = Keyed(ml, 512);
            using var cts = new CancellationTokenSource();
            var firstEpoch = new ManualResetEventSlim();
            ml.Log += (_, e) => { if (e.Message.Contains("epoch 1:")) firstEpoch.Set(); };
            var fit = Task.Run(() => Make(ml, "StCnn", 1000, cts.Token).Fit(data));
            Assert.True(firstEpoch.Wait(TimeSpan.FromSeconds(60)), "the first epoch did not finish");
            ml.CancelExecution();
            Assert.ThrowsAny<OperationCanceledException>(() => fit.GetAwaiter().GetResult());
        }
    }
}
