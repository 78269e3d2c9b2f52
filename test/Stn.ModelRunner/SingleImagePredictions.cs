using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Trainers;

/// <summary>One image (the column name and type come from a SchemaDefinition at run time).</summary>
public sealed class PixelRow
{
    public float[] Features { get; set; }
}

/// <summary>The class probabilities of one image.</summary>
public sealed class ScoreRow
{
    public float[] Score { get; set; }
}

/// <summary>
/// Loads a model, sets its StCnn scoring engine and scores every row of a binary IDataView through a PredictionEngine
/// over the StCnn prediction transformer, one row at a time; writes the scores (int rows, int classes, float32 values).
/// </summary>
internal static class SingleImagePredictions
{
    public static int Run(string modelPath, string inputPath, string outputPath, ScoringEngine engine)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(modelPath, out _);
        var predictor = Flatten(model).OfType<ISingleFeaturePredictionTransformer<StCnnModelParameters>>().Last();
        predictor.Model.ScoringEngine = engine;
        var input = ml.Data.LoadFromBinary(inputPath);
        var features = input.Schema[predictor.FeatureColumnName];
        var schema = SchemaDefinition.Create(typeof(PixelRow));
        var column = schema[nameof(PixelRow.Features)];
        column.ColumnName = features.Name;
        column.ColumnType = features.Type;
        var predictions = ml.Model.CreatePredictionEngine<PixelRow, ScoreRow>(predictor, inputSchemaDefinition: schema);
        var scores = input.GetColumn<float[]>(features.Name)
            .Select(p => predictions.Predict(new PixelRow { Features = p }).Score).ToArray();

        string temp = outputPath + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temp)))
        {
            writer.Write(scores.Length);
            writer.Write(scores.Length == 0 ? 0 : scores[0].Length);
            foreach (var row in scores) foreach (float v in row) writer.Write(v);
        }
        File.Move(temp, outputPath, overwrite: true);
        Console.WriteLine($"Predicted {scores.Length} rows one at a time with {predictor.Model.ScoringEngine}.");
        return 0;
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer)
        => transformer is IEnumerable<ITransformer> chain
        ? chain.SelectMany(Flatten)
        : new[] { transformer };
}
