using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>The weights entry is checked against SHA-256 hashes in the model's header (issue 11, item 5).</summary>
    public class WeightsIntegrityTests
    {
        private static readonly string Resources = Path.Combine(AppContext.BaseDirectory, "Persistence", "Resources");

        [Theory]
        [InlineData(SavedModels.StCnnSignature)]
        [InlineData(SavedModels.SpatialTransformSignature)]
        public void OneChangedWeightByteFailsNamingTheEntry(string signature)
        {
            var zip = signature == SavedModels.StCnnSignature ? SavedModels.StCnn() : SavedModels.LearnedTransform();
            string entry = SavedModels.WeightsOf(zip, signature);
            var weights = SavedModels.Read(zip, entry);
            weights[weights.Length - 5]++; // inside the last tensor's values: TorchSharp itself loads this silently
            // ML.NET wraps a loader's exception once per nesting level ("Error during class instantiation"); ours is
            // the innermost.
            var e = Assert.ThrowsAny<Exception>(() =>
                SavedModels.Load(new MLContext(1), SavedModels.WithEntry(zip, entry, weights)));
            Assert.Contains($"The weights entry '{entry}' does not match the SHA-256", e.GetBaseException().Message);
            Assert.Contains("corrupted or its weights belong to another model", e.GetBaseException().Message);
        }

        [Theory]
        [InlineData(SavedModels.StCnnSignature)]
        [InlineData(SavedModels.SpatialTransformSignature)]
        public void AnotherModelsWeightsFail(string signature)
        {
            Func<int, byte[]> make = signature == SavedModels.StCnnSignature ? SavedModels.StCnn
                : SavedModels.LearnedTransform;
            var zip = make(3);
            var other = make(4);
            string entry = SavedModels.WeightsOf(zip, signature);
            var swapped = SavedModels.WithEntry(zip, entry,
                SavedModels.Read(other, SavedModels.WeightsOf(other, signature)));
            var e = Assert.ThrowsAny<Exception>(() => SavedModels.Load(new MLContext(1), swapped));
            Assert.Contains("its weights belong to another model", e.GetBaseException().Message);
            SavedModels.Load(new MLContext(1), other); // the donor itself is fine
        }

        [Fact]
        public void AnOldStCnnModelLoadsWithoutTheCheckAndScoresAsBefore()
        {
            var ml = new MLContext(1);
            var log = new List<string>();
            ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
            var model = ml.Model.Load(Path.Combine(Resources, "stcnn-v1.zip"), out _);
            var probe = ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 21));
            // An old model scores row by row through the single-image engine: bit for bit on the engine it was saved
            // with, within the engines' documented bound at Auto (ONNX Runtime where available).
            var parameters = ((IEnumerable<ITransformer>)model)
                .OfType<ISingleFeaturePredictionTransformer<StCnnModelParameters>>().Single().Model;
            var auto = model.Transform(probe).GetColumn<float[]>("Score").ToArray();
            parameters.ScoringEngine = ScoringEngine.TorchSharp;
            var scores = model.Transform(probe).GetColumn<float[]>("Score").ToArray();
            Assert.Equal(Expected("stcnn-v1.scores.txt"), scores);
            Assert.All(auto.Zip(scores),
                p => Assert.All(p.First.Zip(p.Second), v => Assert.InRange(v.First - v.Second, -1e-5f, 1e-5f)));
            lock (log) Assert.Contains(log, m => m.Contains("saved before models recorded SHA-256 hashes"));
            CheckNoNoteForANewModel(SavedModels.StCnn);
        }

        [Fact]
        public void AnOldLearnedTransformLoadsWithoutTheCheckAndTransformsAsBefore()
        {
            var ml = new MLContext(1);
            var log = new List<string>();
            ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
            var model = ml.Model.Load(Path.Combine(Resources, "learned-st-v1.zip"), out _);
            var probe = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 3)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(8, 21)));
            var output = model.Transform(probe);
            var values = output.GetColumn<float[]>("Canonical")
                .Zip(output.GetColumn<float[]>("Pose"), (c, p) => c.Concat(p).ToArray()).ToArray();
            Assert.Equal(Expected("learned-st-v1.outputs.txt"), values);
            lock (log) Assert.Contains(log, m => m.Contains("saved before models recorded SHA-256 hashes"));
            CheckNoNoteForANewModel(SavedModels.LearnedTransform);
        }

        // A model saved now carries the hashes: loading it logs no such note.
        private static void CheckNoNoteForANewModel(Func<int, byte[]> make)
        {
            var ml = new MLContext(1);
            var log = new List<string>();
            ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
            SavedModels.Load(ml, make(3));
            lock (log) Assert.DoesNotContain(log, m => m.Contains("saved before models recorded SHA-256 hashes"));
        }

        private static float[][] Expected(string file) => File.ReadAllLines(Path.Combine(Resources, file))
            .Select(l => l.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }
}
