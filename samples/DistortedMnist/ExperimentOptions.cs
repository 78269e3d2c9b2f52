using System;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Stn.Datasets.Distortions;

namespace DistortedMnist
{
    /// <summary>The command line of the sample; every option has a default so no argument is needed.</summary>
    public sealed record ExperimentOptions
    {
        public string DataDirectory { get; init; }
        public DistortionKind Distortion { get; init; } = DistortionKind.RotationTranslationScale;
        public SpatialTransformKind Transform { get; init; } = SpatialTransformKind.Affine;
        public ClassifierKind Model { get; init; } = ClassifierKind.Cnn;
        public int Epochs { get; init; } = 6;
        public int BatchSize { get; init; } = 64;
        public double BudgetMinutes { get; init; } = 3;
        public string OutputDirectory { get; init; } = "out";
        public int TrainCount { get; init; }
        public int Seed { get; init; } = 1;
        /// <summary>
        /// Fresh random warps of the training digits every epoch (rotation 15 degrees, scale 10 %, shift 10 %), for
        /// both models.
        /// </summary>
        public bool Augment { get; init; }
        /// <summary>
        /// Distorted copies of every training digit, each with its own random distortion (the paper drew fresh ones all
        /// along).
        /// </summary>
        public int Copies { get; init; } = 1;
        /// <summary>Whether to train the plain network beside the spatial-transformer network.</summary>
        public bool Baseline { get; init; } = true;

        public const string Usage =
            "DistortedMnist [--data DIR] [--distortion R|RTS|P|E|TC|ADD] [--transform " +
            "affine|attention|similarity|translation|projective|tps]\n" +
            "               [--model cnn|fcn] [--epochs N] [--batch-size B] [--budget-minutes M] [--train-count N] " +
            "[--seed N] [--augment on|off]\n" +
            "               [--copies K] [--baseline on|off] [--out DIR]\n" +
            "Trains the plain network and the spatial-transformer network on distorted MNIST digits and " +
            "prints their test error\n" +
            "beside the paper's Table 1. Defaults: the MNIST subset shipped in " +
            "samples/data/mnist-subset, RTS, affine, CNN,\n" +
            "6 epochs, a 3-minute training budget per model, output in ./out.";

        public static ExperimentOptions Parse(string[] args)
        {
            var o = new ExperimentOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                if (name is "-h" or "--help") throw new UsageException(null);
                if (i + 1 >= args.Length) throw new UsageException($"Option {name} needs a value.");
                string value = args[++i];
                o = name switch
                {
                    "--data" => o with { DataDirectory = Path.GetFullPath(value) },
                    "--distortion" => o with { Distortion = ParseDistortion(value) },
                    "--transform" => o with { Transform = ParseTransform(value) },
                    "--model" => o with { Model = value.ToLowerInvariant() switch
                    {
                        "cnn" => ClassifierKind.Cnn,
                        "fcn" => ClassifierKind.Fcn,
                        _ => throw new UsageException($"--model must be cnn or fcn; got '{value}'."),
                    } },
                    "--epochs" => o with { Epochs = PositiveInt(name, value) },
                    "--batch-size" => o with { BatchSize = PositiveInt(name, value) },
                    "--budget-minutes" => o with { BudgetMinutes = PositiveDouble(name, value) },
                    "--train-count" => o with { TrainCount = PositiveInt(name, value) },
                    "--seed" => o with { Seed = PositiveInt(name, value) },
                    "--out" => o with { OutputDirectory = value },
                    "--augment" => o with { Augment = OnOff(name, value) },
                    "--copies" => o with { Copies = PositiveInt(name, value) },
                    "--baseline" => o with { Baseline = OnOff(name, value) },
                    _ => throw new UsageException($"Unknown option '{name}'."),
                };
            }
            return o;
        }

        private static DistortionKind ParseDistortion(string value) => value.ToUpperInvariant() switch
        {
            "R" => DistortionKind.Rotation,
            "RTS" => DistortionKind.RotationTranslationScale,
            "P" => DistortionKind.Projective,
            "E" => DistortionKind.Elastic,
            "TC" => DistortionKind.TranslatedCluttered,
            "ADD" => DistortionKind.Addition,
            _ => throw new UsageException($"--distortion must be R, RTS, P, E, TC or ADD; got '{value}'."),
        };

        private static SpatialTransformKind ParseTransform(string value)
        {
            string v = value.ToLowerInvariant();
            if (v == "tps") return SpatialTransformKind.ThinPlateSpline;
            var match = Enum.GetValues<SpatialTransformKind>().Where(k => k != SpatialTransformKind.None)
                .FirstOrDefault(k => k.ToString().ToLowerInvariant() == v);
            return match != SpatialTransformKind.None ? match
                : throw new UsageException("--transform must be affine, attention, similarity, translation, " +
                    $"projective or tps; got '{value}'.");
        }

        private static bool OnOff(string name, string value) => value.ToLowerInvariant() switch
        {
            "on" => true,
            "off" => false,
            _ => throw new UsageException($"{name} must be on or off; got '{value}'."),
        };

        private static int PositiveInt(string name, string value) =>
            int.TryParse(value, out int n)
                && n > 0 ? n : throw new UsageException($"{name} must be a positive integer; got '{value}'.");

        private static double PositiveDouble(string name, string value) =>
            double.TryParse(value, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double d) && d > 0
                ? d : throw new UsageException($"{name} must be a positive number; got '{value}'.");
    }

    public sealed class UsageException : Exception
    {
        public UsageException(string message) : base(message) { }
    }
}
