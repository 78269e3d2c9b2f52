using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using DistortedMnist;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Stn.Datasets;
using Stn.Datasets.Distortions;
using Stn.Datasets.Mnist;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The grid of the paper's Table 1 (and TC, addition) through the ML.NET API, one budgeted training run per cell,
    /// written as a markdown and a JSON report with the paper's value beside each of ours.
    /// </summary>
    internal static class AccuracyGrid
    {
        private sealed record Cell(string Distortion, string Model, double ErrorPercent, double? PaperErrorPercent,
            int Epochs, double Seconds);

        public static int Run(string[] args, Func<string, int, int> option, Func<string, string, string> text)
        {
            double budget = option("--budget-minutes", 1);
            int trainCount = option("--train-count", 0);
            string root = RepositoryPaths.FindRoot();
            string data = text("--data", null)
                ?? (RepositoryPaths.TryFindFullMnist(root, out var full) ? full : RepositoryPaths.MnistSubset(root));
            string output = text("--out", Path.Combine(root, "out", "accuracy"));
            var distortions = (text("--distortions", "R,RTS,P,E,TC,ADD")).Split(',').Select(ParseDistortion).ToArray();
            var mnist = MnistDataset.Load(data);
            string command = "dotnet run --project test/Stn.Benchmarks -c Release -- accuracy " +
                string.Join(' ', args.Skip(1));
            Console.WriteLine($"Accuracy grid: {string.Join(", ", distortions.Select(ResultsTable.Abbreviation))} on " +
                $"{data}, {budget} min per cell.");

            var cells = new List<Cell>();
            foreach (var distortion in distortions)
            {
                var generator = DistortionGenerator.Create(distortion);
                var train = generator.Generate(mnist.Train, 1,
                    trainCount > 0 ? Math.Min(trainCount, mnist.Train.Count) : null);
                var test = generator.Generate(mnist.Test, 1001);
                foreach (var (model, transform) in Models(distortion))
                {
                    var ml = new MLContext(seed: 1);
                    var options = new ExperimentOptions { Distortion = distortion, Model = model, Epochs = 50,
                        BudgetMinutes = budget, Seed = 1 };
                    var watch = Stopwatch.StartNew();
                    var result = new Experiment(ml, options).Train(train, test, transform, null);
                    string name = distortion == DistortionKind.Addition && transform != SpatialTransformKind.None
                        ? "2x" + result.Name : result.Name;
                    var cell = new Cell(ResultsTable.Abbreviation(distortion), name, result.ErrorPercent,
                        result.PaperErrorPercent, result.Epochs, watch.Elapsed.TotalSeconds);
                    cells.Add(cell);
                    result.Parameters.TorchNetwork.Dispose();
                    Console.WriteLine($"  {cell.Distortion,-4} {cell.Model,-28} {cell.ErrorPercent,6:F2}% (paper " +
                        $"{(cell.PaperErrorPercent?.ToString("F1", CultureInfo.InvariantCulture) ?? "-")}), " +
                        $"{cell.Epochs} epochs, {cell.Seconds:F0} s");
                }
            }
            Write(output, command, data, budget, train: trainCount, cells);
            return 0;
        }

        private static IEnumerable<(ClassifierKind, SpatialTransformKind)> Models(DistortionKind distortion)
        {
            var transforms = distortion is DistortionKind.TranslatedCluttered or DistortionKind.Addition
                ? new[] { SpatialTransformKind.Affine }
                : new[] { SpatialTransformKind.Affine, SpatialTransformKind.Projective,
                    SpatialTransformKind.ThinPlateSpline };
            foreach (var model in new[] { ClassifierKind.Fcn, ClassifierKind.Cnn })
            {
                yield return (model, SpatialTransformKind.None);
                foreach (var t in transforms) yield return (model, t);
            }
        }

        private static DistortionKind ParseDistortion(string value) => value.Trim().ToUpperInvariant() switch
        {
            "R" => DistortionKind.Rotation,
            "RTS" => DistortionKind.RotationTranslationScale,
            "P" => DistortionKind.Projective,
            "E" => DistortionKind.Elastic,
            "TC" => DistortionKind.TranslatedCluttered,
            "ADD" => DistortionKind.Addition,
            _ => throw new ArgumentException("--distortions takes R, RTS, P, E, TC, ADD separated " +
                $"by commas; got '{value}'."),
        };

        private static void Write(string directory, string command, string data, double budget, int train,
            List<Cell> cells)
        {
            Directory.CreateDirectory(directory);
            string commit = Git("rev-parse --short HEAD");
            string machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}";
            var distortions = cells.Select(c => c.Distortion).Distinct().ToList();
            var models = cells.Select(c => c.Model).Distinct().ToList();
            var md = new StringBuilder();
            md.AppendLine("# Distorted MNIST: test error % (ours / paper)");
            md.AppendLine();
            md.AppendLine($"Command: `{command}`  ");
            md.AppendLine($"Commit {commit}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {machine}; data " +
                          $"{data}{(train > 0 ? $" ({train} training digits)" : "")}; " +
                          $"budget {budget} min of training per cell (Adam 1e-3, cosine schedule fitted to the " +
                          "budget, batch 64, one seed).");
            md.AppendLine();
            md.AppendLine("| model | " + string.Join(" | ", distortions) + " |");
            md.AppendLine("|---|" + string.Concat(distortions.Select(_ => "---|")));
            foreach (var model in models)
            {
                var row =
                    distortions.Select(d => cells.FirstOrDefault(c => c.Model == model && c.Distortion == d) is Cell c
                    ? $"{c.ErrorPercent.ToString("F2", CultureInfo.InvariantCulture)} / " +
                    $"{(c.PaperErrorPercent?.ToString("F1", CultureInfo.InvariantCulture) ?? "-")}" : "");
                md.AppendLine($"| {model} | " + string.Join(" | ", row) + " |");
            }
            md.AppendLine();
            md.AppendLine("Differences from the paper: Adam instead of SGD, a time budget instead of 150k iterations " +
                          "of 256, one seed instead of three, " +
                          "the CNN with 'same' padding, the FCN with 128-unit layers, localisation networks as " +
                          "PAPER.md (ST-FCN: 3 x FC 32; ST-CNN: 2x pool, conv 5x5 x20 twice, FC 20).");
            File.WriteAllText(Path.Combine(directory, "accuracy.md"), md.ToString());
            File.WriteAllText(Path.Combine(directory, "accuracy.json"), JsonSerializer.Serialize(new
            {
                command, commit, machine, date = DateTime.UtcNow.ToString("o"), data, budgetMinutes = budget, cells,
            }, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine(md.ToString());
            Console.WriteLine($"Wrote {Path.Combine(directory, "accuracy.md")} and accuracy.json.");
        }

        private static string Git(string arguments)
        {
            try
            {
                var start = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true,
                    RedirectStandardError = true };
                using var p = Process.Start(start);
                string output = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return p.ExitCode == 0 ? output : "unknown";
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "unknown";
            }
        }
    }
}
