using System;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.Trainers;
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
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn, Classifier = ClassifierKind.Fcn, MaxEpochs = 1, BatchSize = 16,
            });
            var good = SyntheticImages.KeyLabel(ml).Append(trainer).Fit(data);
            var doomed = SyntheticImages.KeyLabel(ml).Append(trainer).Fit(data);
            using var dir = new TempDirectory();
            string path = dir.File("model.zip");
            ml.Model.SaveAtomically(good, data.Schema, path);
            byte[] before = File.ReadAllBytes(path);

            // A model whose network is gone fails while its weights are being written, after the zip was started.
            ((Microsoft.ML.Data.MulticlassPredictionTransformer<StCnnModelParameters>)doomed.ElementAt(1)).Model.Dispose();
            Assert.ThrowsAny<Exception>(() => ml.Model.SaveAtomically(doomed, data.Schema, path));

            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(new[] { "model.zip" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
            ml.Model.Load(path, out _); // still a whole, loadable model
        }
    }
}
