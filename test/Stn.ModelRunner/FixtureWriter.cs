using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Trainers;

/// <summary>
/// Writes the saved-model fixtures of the persistence tests: for each kind of model this version saves, the model
/// (name.zip), a few probe rows (name.input.idv) and the model's output on them (name.output.idv). Tests load each
/// fixture with a later version of the library and compare its output bit for bit, so a refactoring cannot change
/// what a saved model computes unnoticed.
/// </summary>
internal static class FixtureWriter
{
    private sealed class ImageRow
    {
        public string Label { get; set; }

        [VectorType(3, 16, 16)]
        public float[] Pixels { get; set; }
    }

    private sealed class GreyRow
    {
        public string Label { get; set; }

        [VectorType(1, 12, 12)]
        public float[] Pixels { get; set; }

        [VectorType(6)]
        public float[] Theta { get; set; }
    }

    private sealed class SequenceRow
    {
        public string Label { get; set; }

        [VectorType(1, 12, 24)]
        public float[] Pixels { get; set; }
    }

    /// <summary>
    /// Trains every fixture model (seeded) and writes the three files of each to <paramref name="directory"/>.
    /// </summary>
    public static int Run(string directory)
    {
        Directory.CreateDirectory(directory);
        var ml = new MLContext(seed: 7);

        // A colour StCnn of whole-number 0-255 pixels (byte store, per-channel normalisation), batch norm, a
        // downsampling affine ST and the pooled heads, as Fit returns it today.
        var colour = ml.Data.LoadFromEnumerable(ColourRows(96, seed: 1));
        var stcnn = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", LocalisationWidths = new[] { 4, 4, 16 },
                ClassifierWidths = new[] { 8, 8 },
                BatchNorm = true, TransformOutputHeight = 8, TransformOutputWidth = 8, MaxEpochs = 2, BatchSize = 16,
                ScoringEngine = ScoringEngine.TorchSharp,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        Write(ml, directory, "stcnn-colour-v2", stcnn.Fit(colour), colour, ColourRows(16, seed: 2));

        // Two parallel projective STs with an FCN localisation and an FCN classifier, then a TPS ST in series.
        var grey = ml.Data.LoadFromEnumerable(GreyRows(96, seed: 3));
        var parallel = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Transform = SpatialTransformKind.Projective, ParallelTransformers = 2,
                Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 },
                Classifier = ClassifierKind.Fcn, ClassifierWidths = new[] { 16 }, MaxEpochs = 2, BatchSize = 16,
                ScoringEngine = ScoringEngine.TorchSharp,
            }));
        Write(ml, directory, "stcnn-projective-parallel-v2", parallel.Fit(grey), grey, GreyRows(16, seed: 4));
        var series = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Transform = SpatialTransformKind.ThinPlateSpline, SeriesTransformers = 1,
                LocalisationWidths = new[] { 4, 4, 16 }, ClassifierWidths = new[] { 8, 8 }, MaxEpochs = 2,
                BatchSize = 16,
                ScoringEngine = ScoringEngine.TorchSharp,
            }));
        Write(ml, directory, "stcnn-tps-series-v2", series.Fit(grey), grey, GreyRows(16, seed: 4));

        // SpatialTransform: by a given theta column; learned from labels (attention, to 6x6); co-localisation.
        var given = ml.Transforms.SpatialTransform("Warped", "Pixels", "Theta", SpatialTransformKind.Affine, 8, 8);
        Write(ml, directory, "st-given-v2", given.Fit(grey), grey, GreyRows(16, seed: 4));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label");
        var learned = keyed.Append(ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
        {
            OutputColumnName = "Canonical", InputColumnName = "Pixels", ThetaColumnName = "Pose",
            LabelColumnName = "Label",
            Transform = SpatialTransformKind.Attention, OutputHeight = 6, OutputWidth = 6,
            Localisation = LocalisationNetworkKind.Fcn, LocalisationWidths = new[] { 16 }, MaxEpochs = 2,
            TrainingBatchSize = 16,
        }));
        Write(ml, directory, "st-learned-v2", learned.Fit(grey), grey, GreyRows(16, seed: 4));
        var colocalising = ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
        {
            OutputColumnName = "Crop", InputColumnName = "Pixels", ThetaColumnName = "Box",
            Objective = SpatialTransformObjective.CoLocalisation, Transform = SpatialTransformKind.Attention,
            OutputHeight = 6, OutputWidth = 6, LocalisationWidths = new[] { 4, 4, 16 }, MaxEpochs = 2,
            TrainingBatchSize = 16,
        });
        Write(ml, directory, "st-colocalisation-v2", colocalising.Fit(grey), grey, GreyRows(16, seed: 4));

        // A digit-sequence reader: label strings of 1-3 digits.
        var sequences = ml.Data.LoadFromEnumerable(SequenceRows(96, seed: 5));
        var reader = ml.MulticlassClassification.Trainers.StCnnSequence(new StCnnSequenceEstimator.Options
        {
            FeatureColumnName = "Pixels", LocalisationWidths = new[] { 4, 4, 16 }, ClassifierWidths = new[] { 8, 8 },
            MaxEpochs = 2, BatchSize = 16,
        });
        Write(ml, directory, "stcnn-sequence-v2", reader.Fit(sequences), sequences, SequenceRows(16, seed: 6));
        return 0;
    }

    private static void Write<TRow>(MLContext ml, string directory, string name, ITransformer model, IDataView training,
        TRow[] probe)
        where TRow : class
    {
        var input = ml.Data.LoadFromEnumerable(probe);
        ml.Model.Save(model, training.Schema, Path.Combine(directory, name + ".zip"));
        SaveBinary(ml, input, Path.Combine(directory, name + ".input.idv"));
        SaveBinary(ml, model.Transform(input), Path.Combine(directory, name + ".output.idv"));
        Console.WriteLine($"wrote {name}");
    }

    private static void SaveBinary(MLContext ml, IDataView data, string path)
    {
        using var stream = File.Create(path);
        ml.Data.SaveAsBinary(data, stream, keepHidden: false);
    }

    // Whole numbers 0-255: a bright square whose corner depends on the label, on noise.
    private static ImageRow[] ColourRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int label = random.Next(3);
            var pixels = new float[3 * 16 * 16];
            for (int p = 0; p < pixels.Length; p++)
                pixels[p] = random.Next(64);
            int top = label == 1 ? 8 : 1, left = label == 2 ? 8 : 1;
            for (int c = 0; c < 3; c++)
                for (int y = top; y < top + 6; y++)
                    for (int x = left; x < left + 6; x++)
                        pixels[(c * 16 + y) * 16 + x] = 128 + random.Next(128);
            return new ImageRow { Label = "class" + label, Pixels = pixels };
        }).ToArray();
    }

    // Values in [0, 1]: a bar whose orientation depends on the label; Theta a small random affine.
    private static GreyRow[] GreyRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int label = random.Next(2);
            var pixels = new float[12 * 12];
            for (int p = 0; p < pixels.Length; p++)
                pixels[p] = (float)(0.2 * random.NextDouble());
            int offset = 2 + random.Next(8);
            for (int k = 1; k < 11; k++)
                pixels[label == 0 ? offset * 12 + k : k * 12 + offset] = 1f;
            float Jitter() => (float)(0.2 * (random.NextDouble() - 0.5));
            var theta = new[] { 1 + Jitter(), Jitter(), Jitter(), Jitter(), 1 + Jitter(), Jitter() };
            return new GreyRow { Label = label == 0 ? "row" : "column", Pixels = pixels, Theta = theta };
        }).ToArray();
    }

    // 1-3 blocky "digits" (a digit d is a block of height 2 + d) side by side; the label is their string.
    private static SequenceRow[] SequenceRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int length = 1 + random.Next(3);
            var pixels = new float[12 * 24];
            var label = "";
            for (int k = 0; k < length; k++)
            {
                int digit = random.Next(10);
                label += digit;
                for (int y = 11 - (digit + 2) + 1; y < 12; y++)
                    for (int x = 8 * k + 1; x < 8 * k + 6; x++)
                        pixels[y * 24 + x] = 1f;
            }
            return new SequenceRow { Label = label, Pixels = pixels };
        }).ToArray();
    }
}
