using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using Microsoft.ML.SpatialTransformer.Training;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The tutorial ST-CNN through the project's ML.NET API: IDataView -> StCnn trainer (training images/s from the
    /// second epoch's time, so one-off costs such as reading the data are out, as the warm-up steps of the other
    /// contenders), model.Transform over an IDataView (batch inference, 256 rows per call), PredictionEngine
    /// (single-image latency, through the default engine and each <see cref="ScoringEngine"/>). The same rows scored
    /// row by row (the transformer's row mapper, as a PredictionEngine runs it) and through ScoreInBatches are printed
    /// beside, on stderr.
    /// </summary>
    internal static class MLNetSpeed
    {
        public static SpeedFigures Measure(int steps)
        {
            var ml = new MLContext(seed: 0);
            var random = new Random(0);
            var train = ml.Data.LoadFromEnumerable(RandomDigits.Make(random, steps * 64));
            var trainer = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Transform = SpatialTransformKind.Affine,
                Localisation = LocalisationNetworkKind.Tutorial, Classifier = ClassifierKind.Tutorial,
                Optimizer = OptimizerKind.Sgd, LearningRate = 0.01, Momentum = 0,
                LearningRateSchedule = LearningRateScheduleKind.Constant,
                BatchSize = 64, MaxEpochs = 2,
            });
            var model = trainer.Fit(train);
            double trainRate = steps * 64 / model.Model.History[^1].Seconds;

            var scoring = ml.Data.LoadFromEnumerable(RandomDigits.Make(random, 20 * 256));
            Consume(model.Transform(scoring)); // warm-up
            var watch = Stopwatch.StartNew();
            long rows = Consume(model.Transform(scoring));
            double inferRate = rows / watch.Elapsed.TotalSeconds;
            ConsumeRowByRow(model, scoring);
            watch.Restart();
            rows = ConsumeRowByRow(model, scoring);
            double rowByRowRate = rows / watch.Elapsed.TotalSeconds;
            // The same row by row through TorchSharp: the path every row took before Transform was batched.
            model.Model.ScoringEngine = ScoringEngine.TorchSharp;
            ConsumeRowByRow(model, scoring);
            watch.Restart();
            rows = ConsumeRowByRow(model, scoring);
            double rowByRowTorchRate = rows / watch.Elapsed.TotalSeconds;
            model.Model.ScoringEngine = ScoringEngine.Auto;
            Consume(model.Model.ScoreInBatches(scoring));
            watch.Restart();
            rows = Consume(model.Model.ScoreInBatches(scoring));
            Console.Error.WriteLine($"Stn.MLNet: model.Transform {inferRate:F0} img/s (256 rows per call); row " +
                                    "by row (the scorer behind " +
                                    $"a PredictionEngine) {rowByRowRate:F0} img/s, through TorchSharp " +
                                    $"{rowByRowTorchRate:F0} img/s; ScoreInBatches " +
                                    $"{rows / watch.Elapsed.TotalSeconds:F0} img/s");

            var engine = ml.Model.CreatePredictionEngine<RandomDigits.Row, RandomDigits.ScoreOnly>(model);
            // Distinct inputs in turn: the model keeps the last input's scores, which must not make repeats free.
            var inputs = RandomDigits.Make(random, 16);
            double Latency(ScoringEngine scoringEngine)
            {
                model.Model.ScoringEngine = scoringEngine;
                // tiered JIT
                for (int i = 0; i < BareTorchSharpSpeed.LatencyWarmUp; i++) engine.Predict(inputs[i % inputs.Length]);
                var timer = Stopwatch.StartNew();
                for (int i = 0; i < 500; i++) engine.Predict(inputs[i % inputs.Length]);
                return timer.Elapsed.TotalMilliseconds / 500;
            }
            // The default (Auto: ONNX Runtime, which this app ships) and each engine, interleaved, best of 3.
            double latency = double.PositiveInfinity, torch = double.PositiveInfinity, onnx = double.PositiveInfinity;
            for (int round = 0; round < 3; round++)
            {
                latency = Math.Min(latency, Latency(ScoringEngine.Auto));
                torch = Math.Min(torch, Latency(ScoringEngine.TorchSharp));
                onnx = Math.Min(onnx, Latency(ScoringEngine.OnnxRuntime));
            }
            return new SpeedFigures("Stn.MLNet (ML.NET API)", trainRate, inferRate, latency,
                SpeedFigures.PeakResidentMiB(),
                torch, onnx)
            {
                RowByRowImagesPerSecond = rowByRowRate,
                RowByRowTorchSharpImagesPerSecond = rowByRowTorchRate,
            };
        }

        // The transformer's row mapper, one row per native call: what a PredictionEngine runs, over every row of the
        // data.
        private static long ConsumeRowByRow(ITransformer model, IDataView data)
        {
            var mapper = model.GetRowToRowMapper(data.Schema);
            var column = mapper.OutputSchema["Score"];
            using var cursor = data.GetRowCursor(mapper.GetDependencies(new[] { column }));
            using var row = mapper.GetRow(cursor, new[] { column });
            var getter = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            long n = 0;
            while (cursor.MoveNext()) { getter(ref value); n++; }
            return n;
        }

        private static long Consume(IDataView scored)
        {
            var column = scored.Schema["Score"];
            using var cursor = scored.GetRowCursor(new[] { column });
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            long n = 0;
            while (cursor.MoveNext()) { getter(ref value); n++; }
            return n;
        }
    }
}
