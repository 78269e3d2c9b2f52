using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Trainers;

/// <summary>
/// Resident memory of an app that loads a model, scores one row through a PredictionEngine on an engine and drops
/// it, again and again: prints the resident MiB after each drop and a collection.
/// </summary>
internal static class DropProbe
{
    private sealed class Row
    {
        public uint Label { get; set; }

        [VectorType(1, 12, 12)]
        public float[] Pixels { get; set; }
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; }
    }

    public static int Run(int rounds, ScoringEngine engine, bool fitEachRound)
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(1);
        var rows = Enumerable.Range(0, 32).Select(i => new Row
        {
            Label = (uint)(i % 3), Pixels = Enumerable.Range(0, 144).Select(_ => (float)random.NextDouble()).ToArray(),
        }).ToArray();
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows))
            .Transform(ml.Data.LoadFromEnumerable(rows));
        ITransformer Fit() => ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
        {
            FeatureColumnName = "Pixels", Transform = SpatialTransformKind.None, Classifier = ClassifierKind.Fcn,
            ClassifierWidths = new[] { 2048, 2048 }, MaxEpochs = 1, BatchSize = 16,
        }).Fit(data);
        var bytes = new MemoryStream();
        ml.Model.Save(Fit(), data.Schema, bytes);
        Console.WriteLine($"after fit: {Resident()} MiB");
        for (int i = 0; i < rounds; i++)
        {
            if (fitEachRound)
                Score(ml, Fit(), engine, rows[0]);
            else
                Once(ml, bytes.ToArray(), engine, rows[0]);
            Console.WriteLine($"after drop {i + 1}: {Resident()} MiB");
        }
        return 0;
    }

    private static void Once(MLContext ml, byte[] zip, ScoringEngine engine, Row row)
    {
        Score(ml, ml.Model.Load(new MemoryStream(zip), out _), engine, row);
    }

    private static void Score(MLContext ml, ITransformer model, ScoringEngine engine, Row row)
    {
        var loaded = (ISingleFeaturePredictionTransformer<StCnnModelParameters>)model;
        loaded.Model.ScoringEngine = engine;
        using var predictions = ml.Model.CreatePredictionEngine<Row, Prediction>(loaded);
        predictions.Predict(row);
    }

    private static long Resident()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 >> 20;
    }
}
