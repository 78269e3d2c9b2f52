using System;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Scoring
{
    /// <summary>
    /// An application without ONNX Runtime's native library (no Microsoft.ML.OnnxRuntime reference): Auto scores
    /// through TorchSharp, the same bits as TorchSharp here, and OnnxRuntime asked for explicitly says what is missing.
    /// Stn.ModelRunner runs from a copy of the test folder (symbolic links) without libonnxruntime.
    /// </summary>
    public class MissingOnnxRuntimeTests
    {
        [Fact]
        public void WithoutTheNativeLibraryAutoFallsBackAndOnnxRuntimeSaysWhatIsMissing()
        {
            if (!OperatingSystem.IsLinux()) return; // the copy without libonnxruntime.so is made for Linux's file names
            var ml = new MLContext(seed: 12);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 12));
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                LocalisationWidths = new[] { 16 }, Classifier = ClassifierKind.Fcn,
                ScoringEngine = ScoringEngine.TorchSharp, MaxEpochs = 1, BatchSize = 16,
            })).Fit(data);
            var test = ml.Data.LoadFromEnumerable(SyntheticImages.Make(100, 13));
            var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, SyntheticImages.Prediction>(model);
            var torch = SyntheticImages.Make(100, 13).Select(r => engine.Predict(r).Score).ToArray();

            using var dir = new TempDirectory();
            ml.Model.Save(model, data.Schema, dir.File("model.zip"));
            using var runner = new TempDirectory();
            MirrorWithoutOnnxRuntime(AppContext.BaseDirectory, runner.Path);

            using (var work = new TempDirectory())
                Assert.Equal(torch, ModelRunnerProcess.PredictEach(ml, dir.File("model.zip"), test, ScoringEngine.Auto,
                    work.Path, runner.Path));
            using (var work = new TempDirectory())
            {
                var e = Assert.Throws<InvalidOperationException>(() =>
                    ModelRunnerProcess.PredictEach(ml, dir.File("model.zip"), test, ScoringEngine.OnnxRuntime,
                        work.Path, runner.Path));
                Assert.Contains("ScoringEngine.OnnxRuntime was asked for, but ONNX Runtime's native " +
                    "library could not be loaded", e.Message);
                Assert.Contains("must reference the Microsoft.ML.OnnxRuntime package", e.Message);
            }
        }

        // The folder without ONNX Runtime's native libraries: the assemblies copied (the host resolves a linked app to
        // its real folder, which would find the library there), the large native libraries under runtimes/ linked.
        private static void MirrorWithoutOnnxRuntime(string source, string target)
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(source, file);
                bool native = relative.StartsWith("runtimes" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
                if (native && Path.GetFileName(file).Contains("onnxruntime", StringComparison.Ordinal)) continue;
                string copy = Path.Combine(target, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                if (native) File.CreateSymbolicLink(copy, file);
                else File.Copy(file, copy);
            }
        }
    }
}
