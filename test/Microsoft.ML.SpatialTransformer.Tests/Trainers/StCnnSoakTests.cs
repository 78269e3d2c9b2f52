using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Trainers
{
    /// <summary>
    /// A short soak in the default run: many predictions and transforms on one model leak neither native tensors nor
    /// memory.
    /// </summary>
    [Collection(SerialCollection.Name)]
    public class StCnnSoakTests
    {
        [Fact]
        public void ThousandsOfPredictionsAndTransformsLeaveNoNativeTensorsAndStableMemory()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1));
            var model = SyntheticImages.KeyLabel(ml)
                .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Localisation = LocalisationNetworkKind.Fcn,
                Classifier = ClassifierKind.Fcn, MaxEpochs = 1, BatchSize = 16,
            })).Fit(data);
            var engine = ml.Model.CreatePredictionEngine<SyntheticImages.Row, SyntheticImages.Prediction>(model);
            var rows = SyntheticImages.Make(32, 2);
            var scored = model.Transform(data);

            void Work(int predictions, int transforms)
            {
                for (int i = 0; i < predictions; i++) engine.Predict(rows[i % rows.Length]);
                for (int i = 0; i < transforms; i++) Assert.Equal(64, scored.GetColumn<float[]>("Score").Count());
            }

            // Warm-up with the same volume as the measured run: allocator pools, JIT, ML.NET caches and the GC's heap
            // size settle there, so what the measured run adds is what it would keep adding.
            Work(3000, 30);
            long tensors = TensorChecks.LiveTensors;
            using var process = Process.GetCurrentProcess();
            long resident = Resident(process);
            Work(3000, 30);
            Assert.Equal(tensors, TensorChecks.LiveTensors);
            long after = Resident(process);
            double growth = (after - resident) / (double)resident;
            Assert.True(growth < 0.05, $"resident memory grew by {growth:P1} ({resident >> 20} -> {after >> 20} MiB)");
        }

        // Resident set after a full collection, so managed garbage waiting for the GC is not counted as growth.
        private static long Resident(Process process)
        {
            System.GC.Collect();
            System.GC.WaitForPendingFinalizers();
            System.GC.Collect();
            process.Refresh();
            return process.WorkingSet64;
        }
    }
}
