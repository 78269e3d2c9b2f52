using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Reliability
{
    /// <summary>
    /// A cancelled fit frees its network, optimizer state and batches, whichever way it is cancelled, and a model the
    /// app drops is freed by the collector. Measured as resident memory, not as TorchSharp's
    /// Tensor.TotalCount: in TorchSharp 0.107 that counter is not decremented for module parameters (a disposed
    /// nn.Linear leaves it 2 higher while its memory is returned), so it cannot tell a leak from a freed model.
    /// </summary>
    [Collection(SerialCollection.Name)]
    public class CancellationMemoryTests
    {
        // ~4.5 M weights (18 MB), plus Adam's two moments: a leaked fit would keep ~54 MB.
        private static StCnnTrainer.Options Options(int epochs) => new()
        {
            FeatureColumnName = "Pixels", Transform = SpatialTransformKind.None, Classifier = ClassifierKind.Fcn,
            ClassifierWidths = new[] { 2048, 2048 }, MaxEpochs = epochs, BatchSize = 16,
        };

        private static long ResidentAfterCollection()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64;
        }

        // Every fit runs on this one thread: per-thread allocator state (glibc's malloc arenas, MKL's buffers) then
        // stays one thread's, where fits on pool threads spread it over several threads and resident memory grew by up
        // to 145 MiB without a leak, and a fresh thread per fit grew it by ~50 MiB a thread.
        private static readonly System.Collections.Concurrent.BlockingCollection<Action> s_work = StartWorker();

        private static System.Collections.Concurrent.BlockingCollection<Action> StartWorker()
        {
            var work = new System.Collections.Concurrent.BlockingCollection<Action>();
            new Thread(() =>
                { foreach (var action in work.GetConsumingEnumerable()) action(); }) { IsBackground = true }.Start();
            return work;
        }

        private static Task<T> OnWorker<T>(Func<T> body)
        {
            var result = new TaskCompletionSource<T>();
            s_work.Add(() =>
            {
                try { result.SetResult(body()); }
                catch (Exception e) { result.SetException(e); }
            });
            return result.Task;
        }

        // Through the MLContext (ML.NET's internal route) or the user's Options.CancellationToken: both must free the
        // fit.
        private static void FitAndCancel(IDataView data, bool withToken)
        {
            var ml = new MLContext(seed: 1);
            using var cts = new CancellationTokenSource();
            var options = Options(1000);
            options.CancellationToken = cts.Token;
            var firstEpoch = new ManualResetEventSlim();
            ml.Log += (_, e) => { if (e.Message.Contains("epoch 1:")) firstEpoch.Set(); };
            var fit = OnWorker(() => ml.MulticlassClassification.Trainers.StCnn(options).Fit(data));
            Assert.True(firstEpoch.Wait(TimeSpan.FromSeconds(120)), "the first epoch did not finish");
            if (withToken) cts.Cancel();
            else ml.CancelExecution();
            Assert.ThrowsAny<OperationCanceledException>(() => fit.GetAwaiter().GetResult());
        }

        [Fact]
        public void CancelledFitsGiveTheirMemoryBack()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(256, 1)));
            // Allocator pools grow over the first fits and then settle.
            for (int i = 0; i < 4; i++) FitAndCancel(data, withToken: i % 2 == 1);
            long before = ResidentAfterCollection();
            for (int i = 0; i < 6; i++) FitAndCancel(data, withToken: i % 2 == 1);
            long growth = ResidentAfterCollection() - before;
            // Six leaked fits would keep ~324 MiB; measured here: under 50.
            Assert.True(growth < 120L << 20,
                $"resident memory grew by {growth >> 20} MiB over 6 cancelled fits of ~54 MiB each");
        }

        // Models are not disposable (ML.NET would dispose them with the first PredictionEngine), so an app that drops a
        // model relies on the garbage collector to return its native memory.
        private static void FitScoreAndDrop(IDataView data)
        {
            var ml = new MLContext(seed: 1);
            OnWorker(() =>
            {
                // TorchSharp's memory (ONNX Runtime's: the next test, in a fresh process).
                var options = Options(1);
                options.ScoringEngine = ScoringEngine.TorchSharp;
                var model = ml.MulticlassClassification.Trainers.StCnn(options).Fit(data);
                using var engine =
                    ml.Model.CreatePredictionEngine<SyntheticImages.Row, SyntheticImages.Prediction>(model);
                return engine.Predict(SyntheticImages.Make(1, 2)[0]).Score.Length;
            }).GetAwaiter().GetResult();
        }

        [Fact]
        public void ModelsTheAppDropsGiveTheirMemoryBack()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 1)));
            for (int i = 0; i < 3; i++) FitScoreAndDrop(data);
            long before = ResidentAfterCollection();
            for (int i = 0; i < 8; i++) FitScoreAndDrop(data);
            long growth = ResidentAfterCollection() - before;
            // Eight models kept alive would hold ~144 MiB of weights.
            Assert.True(growth < 72L << 20,
                $"resident memory grew by {growth >> 20} MiB over 8 dropped models of ~18 MiB each");
        }
    
        // A fresh process fits a model of ~18 MiB, scores a row through ONNX Runtime and drops it, twelve times. The
        // first session costs a one-off 100-150 MiB (ONNX Runtime's environment and allocator pools); after that
        // resident memory moves up and down by tens of MiB between fits without a trend, so the test fits a line to
        // drops 2-12: a dropped session that kept its weights would add ~18 MiB a model.
        [Fact]
        public void ModelsScoredThroughOnnxRuntimeAndDroppedGiveTheirMemoryBack()
        {
            var output =
                ModelRunnerProcess.Run(new[] { "--drop-probe", "12", nameof(ScoringEngine.OnnxRuntime), "fit" });
            var resident = output.Split('\n').Where(l => l.StartsWith("after drop "))
                .Select(l => double.Parse(l.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();
            Assert.Equal(12, resident.Length);
            var steady = resident.Skip(1).ToArray();
            double meanX = (steady.Length - 1) / 2.0, meanY = steady.Average();
            double slope = steady.Select((y, x) => (x - meanX) * (y - meanY)).Sum()
                / steady.Select((_, x) => (x - meanX) * (x - meanX)).Sum();
            Assert.True(slope < 6,
                $"resident memory grew by {slope:F1} MiB per dropped model: {string.Join(", ", resident)}");
        }
    }
}
