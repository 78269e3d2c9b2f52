using System;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    public class AtomicSaveTests
    {
        [Fact]
        public void AFailureMidSaveLeavesTheExistingFileIntactAndNoPartialFile()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 1));
            var trainer = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                Classifier = ClassifierKind.Fcn, MaxEpochs = 1, BatchSize = 16,
            });
            var good = SyntheticImages.KeyLabel(ml).Append(trainer).Fit(data);
            var doomed = SyntheticImages.KeyLabel(ml).Append(trainer).Fit(data);
            using var dir = new TempDirectory();
            string path = dir.File("model.zip");
            ml.Model.SaveAtomically(good, data.Schema, path);
            byte[] before = File.ReadAllBytes(path);

            // A model whose network is gone fails while its weights are being written, after the zip was started.
            ((StCnnPredictionTransformer)doomed.ElementAt(1)).Model.TorchNetwork.Dispose();
            Assert.ThrowsAny<Exception>(() => ml.Model.SaveAtomically(doomed, data.Schema, path));

            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(new[] { "model.zip" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
            ml.Model.Load(path, out _); // still a whole, loadable model
        }

        private static (MLContext Ml, IDataView Data, ITransformer Model) Tiny()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 1));
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                Classifier = ClassifierKind.Fcn, MaxEpochs = 1, BatchSize = 16,
            })).Fit(data);
            return (ml, data, model);
        }

        [Fact]
        public void TheNextSaveDeletesWhatAKilledSaveLeftAndSparesASaveInProgress()
        {
            var (ml, data, model) = Tiny();
            using var dir = new TempDirectory();
            string path = dir.File("model.zip");
            // What a save killed midway leaves: a temporary file that no process holds open.
            string abandoned = dir.File(".model.zip.0123456789abcdef0123456789abcdef.tmp");
            File.WriteAllBytes(abandoned, new byte[1000]);
            // A save of the same target running in another process holds its temporary file open, as SaveAtomically
            // does.
            string running = dir.File(".model.zip.fedcba9876543210fedcba9876543210.tmp");
            using var held = new FileStream(running, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete);
            // Another target's temporary file is not this save's business.
            string otherTarget = dir.File(".other.zip.0123456789abcdef0123456789abcdef.tmp");
            File.WriteAllBytes(otherTarget, new byte[10]);

            ml.Model.SaveAtomically(model, data.Schema, path);

            Assert.False(File.Exists(abandoned));
            Assert.True(File.Exists(running));
            Assert.True(File.Exists(otherTarget));
            ml.Model.Load(path, out _);
        }

        [Fact]
        public void SavesKilledMidwayLeaveALoadableModelAndTheNextSaveCleansUp()
        {
            var (ml, data, model) = Tiny();
            using var dir = new TempDirectory();
            string source = dir.File("source.zip"), path = dir.File("model.zip");
            ml.Model.Save(model, data.Schema, source);
            var random = new Random(1);
            for (int kill = 0; kill < 3; kill++)
            {
                using var saver = ModelRunnerProcess.StartResaving(source, path);
                // Wait for a save to complete, then kill -9 at a random moment of the saves that follow.
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (!File.Exists(path) && !saver.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60))
                    System.Threading.Thread.Sleep(10);
                if (saver.HasExited) Assert.Fail($"the saving process stopped: {saver.StandardError.ReadToEnd()}");
                Assert.True(File.Exists(path), "no save completed in 60 s");
                System.Threading.Thread.Sleep(random.Next(20, 200));
                saver.Kill();
                Assert.True(saver.WaitForExit(30_000), "the killed process did not exit");
                ml.Model.Load(path, out _); // the target is always a whole model
                File.Delete(path);          // so that the next process's first save is seen
            }
            ml.Model.SaveAtomically(model, data.Schema, path);
            Assert.Equal(new[] { "model.zip", "source.zip" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName)
                .OrderBy(n => n));
            ml.Model.Load(path, out _);
        }
    }
}
