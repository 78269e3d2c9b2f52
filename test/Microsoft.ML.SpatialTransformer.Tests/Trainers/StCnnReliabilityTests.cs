using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    public class StCnnReliabilityTests
    {
        private static StCnnTrainer.Options Options(int epochs) => new()
        {
            FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 },
            Classifier = ClassifierKind.Cnn, ClassifierWidths = new[] { 8, 8 }, MaxEpochs = epochs, BatchSize = 16,
        };

        private static (MLContext Ml, IDataView Data, ITransformer Model) Trained()
        {
            var ml = new MLContext(seed: 3);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(96, 3));
            var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Options(1)))
                .Fit(data);
            return (ml, data, model);
        }

        [Fact]
        public void CancellationStopsTrainingWithinABatch()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(512, 1)));
            var firstEpoch = new ManualResetEventSlim();
            ml.Log += (_, e) => { if (e.Message.Contains("epoch 1:")) firstEpoch.Set(); };
            var fit = Task.Run(() => ml.MulticlassClassification.Trainers.StCnn(Options(1000)).Fit(data));
            Assert.True(firstEpoch.Wait(TimeSpan.FromSeconds(60)), "the first epoch did not finish");
            var watch = Stopwatch.StartNew();
            ml.CancelExecution();
            var e = Assert.ThrowsAny<OperationCanceledException>(() => fit.GetAwaiter().GetResult());
            // One batch of 16 tiny images takes milliseconds; a second is a generous bound on a loaded CI machine.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
        }

        [Fact]
        public void ADivergingLossStopsWithTheEpochAndBatch()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1)));
            var options = Options(5);
            options.Optimizer = OptimizerKind.Sgd;
            options.LearningRate = 1e12;
            var e = Assert.ThrowsAny<Exception>(() => ml.MulticlassClassification.Trainers.StCnn(options).Fit(data));
            Assert.Matches(
                @"The training loss became (NaN|-?Infinity|∞|-∞) in epoch \d+, batch \d+\. Try a lower learning rate",
                e.Message);
        }

        [Fact]
        public void SameSeedSavesTheSameWeightBytes()
        {
            byte[] Weights(int seed)
            {
                var ml = new MLContext(seed);
                var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 3));
                var model = SyntheticImages.KeyLabel(ml).Append(ml.MulticlassClassification.Trainers.StCnn(Options(2)))
                    .Fit(data);
                using var dir = new TempDirectory();
                ml.Model.Save(model, data.Schema, dir.File("m.zip"));
                using var zip = ZipFile.OpenRead(dir.File("m.zip"));
                return Read(zip.Entries.Single(en => en.FullName.EndsWith("TSModel")));
            }
            var first = Weights(5);
            Assert.Equal(first, Weights(5));
            Assert.NotEqual(first, Weights(6));
        }

        [Fact]
        public void PredictionEnginesOnSeveralThreadsGiveTheSerialResults()
        {
            var (ml, _, model) = Trained();
            var rows = SyntheticImages.Make(64, 11);
            var serialEngine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, SyntheticImages.Prediction>(model);
            var serial = rows.Select(r => serialEngine.Predict(r).Score).ToArray();
            var parallel = new float[8][][];
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
            {
                var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, SyntheticImages.Prediction>(model);
                parallel[t] = rows.Select(r => engine.Predict(r).Score).ToArray();
            });
            Assert.All(parallel, scores => Assert.Equal(serial, scores));
        }

        [Fact]
        public void DamagedModelFilesGiveClearErrors()
        {
            var (ml, data, model) = Trained();
            using var dir = new TempDirectory();
            string good = dir.File("good.zip");
            ml.Model.Save(model, data.Schema, good);

            // Truncated zip.
            string truncated = dir.File("truncated.zip");
            var bytes = File.ReadAllBytes(good);
            File.WriteAllBytes(truncated, bytes.Take(bytes.Length / 2).ToArray());
            Assert.ThrowsAny<Exception>(() => ml.Model.Load(truncated, out _));

            // Corrupted weights entry.
            string corrupted = dir.File("corrupted.zip");
            File.Copy(good, corrupted);
            using (var zip = ZipFile.Open(corrupted, ZipArchiveMode.Update))
            {
                var entry = zip.Entries.Single(e => e.FullName.EndsWith("TSModel"));
                string name = entry.FullName;
                entry.Delete();
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write("not torch weights");
            }
            var e = Assert.ThrowsAny<Exception>(() => ml.Model.Load(corrupted, out _));
            // the header's hash of the weights catches it first
            Assert.Contains("/TSModel' does not match the SHA-256", Flatten(e));

            // A model written by a newer version of the format.
            string newer = dir.File("newer.zip");
            File.Copy(good, newer);
            using (var zip = ZipFile.Open(newer, ZipArchiveMode.Update))
            {
                var entry = zip.Entries.Where(en => en.FullName.EndsWith("Model.key"))
                    .Single(en => SignatureOffset(Read(en)) >= 0);
                BumpVersion(entry);
            }
            e = Assert.ThrowsAny<Exception>(() => ml.Model.Load(newer, out _));
            Assert.Contains("version", Flatten(e), StringComparison.OrdinalIgnoreCase);
        }

        private static string Flatten(Exception e) => e is null ? "" : e.Message + " | " + Flatten(e.InnerException);

        private static byte[] Read(ZipArchiveEntry entry)
        {
            using var s = entry.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }

        // ML.NET's model header stores the 8-byte model signature followed by the written and readable versions
        // (uints).
        private static int SignatureOffset(byte[] content)
            => content.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes("STCNNMCP"));

        private static void BumpVersion(ZipArchiveEntry entry)
        {
            var content = Read(entry);
            int at = SignatureOffset(content) + 8;
            // Claim a future format that needs a newer reader than this build.
            BitConverter.GetBytes(0x00020001u).CopyTo(content, at);
            BitConverter.GetBytes(0x00020001u).CopyTo(content, at + 4);
            using var s = entry.Open();
            s.SetLength(0);
            s.Write(content);
        }
    }
}
