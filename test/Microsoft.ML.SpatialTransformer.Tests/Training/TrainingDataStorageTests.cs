using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Microsoft.ML.SpatialTransformer.Training;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Training
{
    /// <summary>
    /// Fit keeps training rows past TrainingDataMemoryBudgetBytes in a temporary file: the model is bitwise the same as
    /// with every row in memory, and the file is gone when Fit returns, is cancelled or fails.
    /// </summary>
    public sealed class TrainingDataStorageTests : IDisposable
    {
        private const int RowBytes = 144 * 4; // SyntheticImages: 1x12x12 float32
        private readonly string _directory = Directory.CreateTempSubdirectory("stn-fit-").FullName;

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private StCnnTrainer.Options Trainer(long? budget, IProgress<TrainingProgress> progress = null,
            CancellationToken token = default) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, MaxEpochs = 2, BatchSize = 16,
            TrainingDataMemoryBudgetBytes = budget, TemporaryDirectory = _directory, Progress = progress,
            CancellationToken = token,
        };

        private static IDataView Keyed(MLContext ml, IEnumerable<SyntheticImages.Row> rows) =>
            SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(rows));

        private float[][] StCnnScores(long? budget, List<string> log = null)
        {
            var ml = new MLContext(seed: 3);
            if (log is not null) ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
            var train = Keyed(ml, SyntheticImages.Make(100, 1));
            var options = Trainer(budget);
            options.ValidationSet = Keyed(ml, SyntheticImages.Make(40, 2));
            var model = ml.MulticlassClassification.Trainers.StCnn(options).Fit(train);
            return model.Transform(train).GetColumn<float[]>("Score").ToArray();
        }

        [Theory]
        [InlineData(0L)]              // every row on disk (validation too)
        [InlineData(RowBytes * 30L)]  // 30 training rows in memory, the rest and all validation rows on disk
        [InlineData(RowBytes * 120L)] // the training rows in memory, validation split between memory and disk
        public void TheModelIsBitwiseTheSameWhereverTheRowsAre(long budget)
        {
            var inMemory = StCnnScores(null);
            var log = new List<string>();
            Assert.Equal(inMemory, StCnnScores(budget, log));
            Assert.Contains(log, m => m.Contains("in the temporary file '" + _directory));
            Assert.Empty(Directory.GetFiles(_directory));
        }

        [Theory]
        [InlineData(0L)]             // every row on disk, as bytes
        [InlineData(144L * 30)]      // 30 rows of bytes in memory, the rest on disk
        public void WholeNumberPixelsAreKeptAsBytesAndTrainTheSameModel(long budget)
        {
            // ExtractPixels' default output: whole numbers 0-255.
            static IEnumerable<SyntheticImages.Row> Bytes(IEnumerable<SyntheticImages.Row> rows) =>
                rows.Select(r => new SyntheticImages.Row { Side = r.Side,
                    Pixels = r.Pixels.Select(v => MathF.Round(v * 255)).ToArray() });
            float[][] Scores(long? memoryBudget, List<string> log)
            {
                var ml = new MLContext(seed: 3);
                ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
                var train = Keyed(ml, Bytes(SyntheticImages.Make(100, 1)));
                var model = ml.MulticlassClassification.Trainers.StCnn(Trainer(memoryBudget)).Fit(train);
                return model.Transform(train).GetColumn<float[]>("Score").ToArray();
            }
            var inMemoryLog = new List<string>();
            var inMemory = Scores(null, inMemoryLog);
            Assert.Contains(inMemoryLog, m => m.Contains(
                "The training data (100 rows of 144 values, held as bytes since every value is a whole number 0-255, " +
                "0.0 MB) is held in memory."));
            var log = new List<string>();
            Assert.Equal(inMemory, Scores(budget, log));
            long memoryRows = budget / 144;
            Assert.Contains(log, m => m.Contains($"({memoryRows} rows) and ")
                && m.Contains($"({100 - memoryRows} rows; on Linux"));
            Assert.Empty(Directory.GetFiles(_directory));
        }

        [Fact]
        public void TheLogSaysTheDataIsInMemoryUnderTheDefaultBudget()
        {
            var log = new List<string>();
            StCnnScores(null, log);
            Assert.Contains(log, m =>
                m.Contains("The training data (100 rows of 144 values, held as float32, 0.1 MB) is held in memory."));
        }

        [Fact]
        public void TheLearnedSpatialTransformIsBitwiseTheSameWhereverTheRowsAre()
        {
            float[][] Canonical(long? budget)
            {
                var ml = new MLContext(seed: 4);
                var data = Keyed(ml, SyntheticImages.Make(64, 1));
                var estimator = ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
                {
                    OutputColumnName = "Canonical", InputColumnName = "Pixels", LabelColumnName = "Label",
                    Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 }, MaxEpochs = 1,
                    TrainingBatchSize = 16,
                    TrainingDataMemoryBudgetBytes = budget, TemporaryDirectory = _directory,
                });
                return estimator.Fit(data).Transform(data).GetColumn<float[]>("Canonical").ToArray();
            }
            Assert.Equal(Canonical(null), Canonical(0));
            Assert.Empty(Directory.GetFiles(_directory));
        }

        [Fact]
        public void TheFileIsInUseDuringTrainingAndIsGoneAfterward()
        {
            var ml = new MLContext(seed: 1);
            var visible = new List<int>();
            var open = new List<int>();
            var progress = new SynchronousProgress(_ =>
            {
                visible.Add(Directory.GetFiles(_directory).Length);
                open.Add(OpenFiles.In(_directory));
            });
            ml.MulticlassClassification.Trainers.StCnn(Trainer(0, progress))
                .Fit(Keyed(ml, SyntheticImages.Make(64, 1)));
            Assert.NotEmpty(open);
            Assert.All(open, n => Assert.Equal(1, n));
            // Where the file's name is removed once it is open, a process killed during Fit leaves nothing behind.
            Assert.All(visible, n => Assert.Equal(OperatingSystem.IsWindows() ? 1 : 0, n));
            Assert.Empty(Directory.GetFiles(_directory));
            Assert.Equal(0, OpenFiles.In(_directory));
        }

        [Fact]
        public void TheFileIsGoneAfterACancelledFit()
        {
            var ml = new MLContext(seed: 1);
            using var cts = new CancellationTokenSource();
            var progress = new SynchronousProgress(p => { if (p.Batch == 2) cts.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() =>
                ml.MulticlassClassification.Trainers.StCnn(Trainer(0, progress, cts.Token))
                    .Fit(Keyed(ml, SyntheticImages.Make(64, 1))));
            Assert.Empty(Directory.GetFiles(_directory));
        }

        [Fact]
        public void TheFileIsGoneAfterAProgressCallbackThrows()
        {
            var ml = new MLContext(seed: 1);
            var progress =
                new SynchronousProgress(p => { if (p.Batch == 2) throw new ApplicationException("callback failed"); });
            var e = Assert.ThrowsAny<Exception>(() =>
                ml.MulticlassClassification.Trainers.StCnn(Trainer(0, progress))
                    .Fit(Keyed(ml, SyntheticImages.Make(64, 1))));
            Assert.Contains("callback failed", e.ToString());
            Assert.Empty(Directory.GetFiles(_directory));
        }

        [Fact]
        public void TheFileIsGoneAfterTheDataFailsMidway()
        {
            IEnumerable<SyntheticImages.Row> FailingAfter(int count)
            {
                foreach (var row in SyntheticImages.Make(count, 1)) yield return row;
                throw new InvalidOperationException("the source broke");
            }
            var ml = new MLContext(seed: 1);
            var e = Assert.ThrowsAny<Exception>(() =>
                ml.MulticlassClassification.Trainers.StCnn(Trainer(RowBytes * 5L)).Fit(Keyed(ml, FailingAfter(40))));
            Assert.Contains("the source broke", e.ToString());
            Assert.Empty(Directory.GetFiles(_directory));
        }

        [Fact]
        public void ANegativeBudgetOrAMissingFolderIsRefused()
        {
            var ml = new MLContext(seed: 1);
            var e = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.StCnn(Trainer(-1)));
            Assert.Contains("TrainingDataMemoryBudgetBytes", e.Message);
            var options = Trainer(null);
            options.TemporaryDirectory = Path.Combine(_directory, "missing");
            e = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.StCnn(options));
            Assert.Contains("TemporaryDirectory", e.Message);
        }

        [Fact]
        public void OnRowSeesEveryKeptRowAndNoSkippedOne()
        {
            var ml = new MLContext(seed: 1);
            var rows = SyntheticImages.Make(20, 1);
            rows[3].Pixels[5] = float.NaN;
            var data = Keyed(ml, rows);
            var seen = new List<float[]>();
            using var images = LabeledImages.Read((IHostEnvironment)ml, data, "Pixels", "Label", 144, "training data",
                new TrainingDataStorage(RowBytes * 4L, _directory), onRow: row => seen.Add(row.ToArray()));
            Assert.Equal(1, images.SkippedBadPixels);
            Assert.Equal(rows.Where((_, i) => i != 3).Select(r => r.Pixels), seen);
            var buffer = new float[144];
            for (int i = 0; i < images.Count; i++)
            {
                images.CopyPixels(i, buffer);
                Assert.Equal(seen[i], buffer);
            }
        }

        // Progress<T> posts to the thread pool; the tests need the callback to run inside the batch that reports it.
        private sealed class SynchronousProgress : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _report;
            public SynchronousProgress(Action<TrainingProgress> report) => _report = report;
            public void Report(TrainingProgress value) => _report(value);
        }
    }
}
