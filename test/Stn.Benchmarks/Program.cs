using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer;
using Stn.Benchmarks;
using static TorchSharp.torch;

// Usage:
//   Stn.Benchmarks speed [--threads 2] [--steps 200] [--rounds 3]
//       the tutorial ST-CNN: PyTorch vs TorchSharp vs the ML.NET path
//   Stn.Benchmarks speed-part <bare|mlnet> <threads> <steps>
//       one contender, in its own process (prints one JSON line)
//   Stn.Benchmarks profile [--threads 2] [--steps 100]
//       where a training step of the tutorial ST-CNN spends its time
//   Stn.Benchmarks accuracy [--budget-minutes 1] [--distortions R,RTS,P,E,TC,ADD] [--data DIR] [--train-count N]
//       [--out DIR]   the paper's Table 1 grid (plus TC and addition), a training budget per cell; writes
//       accuracy.md and accuracy.json
//   Stn.Benchmarks latency [--threads 2] [--calls 500]
//       where a single-image prediction of the tutorial ST-CNN spends its time
//   Stn.Benchmarks onnx [--threads 2]
//       ONNX Runtime vs TorchSharp scoring of the tutorial ST-CNN
//   Stn.Benchmarks soak [--predictions 100000] [--transforms 200]
//       PredictionEngine calls and Transforms on one model; prints memory and live tensors (exit code 1 if either
//       grows)
//   Stn.Benchmarks memory [ROWS ...] [--large] [--steps N]
//       peak resident memory and training img/s of StCnn Fit on lazily generated 3x128x128 rows (default 5000 20000
//       80000; --large adds 15000 of 3x224x224), in memory and forced to disk
//   Stn.Benchmarks memory-part <rows> <size> <memory|disk> <steps>
//       one of those fits, in its own process
//   Stn.Benchmarks images [--count 3000] [--size 128] [--epochs 10] [--directory D] [--budget-minutes M]
//       [--modes plain,cached]   an ImageAnalytics flow from a folder of PNG files, Fit with and without
//       AppendCacheCheckpoint: reading seconds, Fit seconds, peak resident memory, test accuracy
//   Stn.Benchmarks colour [--budget-minutes 3] [--train-count 6000] [--test-count 1000] [--batch-size 64] [--size 128]
//       [--hard] [--models cnn,st] [--classifier-widths 32,64] [--learning-rate 0.001] [--max-epochs N] [--data DIR]
//       [--dump FILE.ppm] [--whole-numbers] [--localisation-lr-multiplier M] [--seed 1]
//       (--whole-numbers: values 0-255 as ExtractPixels gives)
//       the downsampling ST-CNN against the plain CNN on colour digits in clutter, the same time budget each:
//       test accuracy and training images/s side by side
//   Stn.Benchmarks colocalisation [--clutter] [--per-class 100] [--epochs 60] [--classes 0,1,...]
//       [--learning-rate 0.001] [--batch-size 32] [--triplet-epochs 0] [--verbose]   the paper's co-localisation:
//       per class, a CoLocalisation SpatialTransform fitted on that class alone; share of boxes with IoU > 0.5
//   Stn.Benchmarks sequences [--size 64|128] [--budget-minutes 3] [--train-count 10000] [--test-count 1000]
//       [--speed-rounds 3]
//       MNIST digit sequences: CNN vs ST-CNN single vs multi at an equal training time, sequence error %, time per step
string command = args.Length > 0 ? args[0] : "speed";
int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}
string Text(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

switch (command)
{
    case "speed-part":
    {
        int threads = int.Parse(args[2]), steps = int.Parse(args[3]);
        set_num_threads(threads);
        var figures = args[1] switch
        {
            "bare" => BareTorchSharpSpeed.Measure(steps),
            "mlnet" => MLNetSpeed.Measure(steps),
            _ => throw new ArgumentException($"unknown part '{args[1]}'"),
        };
        Console.WriteLine(figures.ToJson());
        return 0;
    }
    case "speed":
    {
        int threads = Option("--threads", 2), steps = Option("--steps", 200), rounds = Option("--rounds", 3);
        string script = Path.Combine(RepositoryRoot(), "..", "shared", "bench", "pytorch_stn_bench.py");
        Console.WriteLine($"Tutorial ST-CNN (28x28 MNIST-sized input), {threads} threads, {steps} " +
                          "timed training steps of 64; " +
                          "inference batch 256; latency batch 1. Each contender runs in its own process, " +
                          $"{rounds} rounds in turn; " +
                          "each figure is the contender's best round (this machine's timings are noisy).");
        SpeedFigures pytorch = null, bare = null, mlnet = null;
        for (int round = 0; round < rounds; round++)
        {
            pytorch = SpeedFigures.Best(pytorch, PyTorchSpeed.Measure(script, threads, steps, out _));
            bare = SpeedFigures.Best(bare, RunPart("bare", threads, steps));
            mlnet = SpeedFigures.Best(mlnet, RunPart("mlnet", threads, steps));
        }
        SpeedTable.Print(pytorch, bare, mlnet);
        if (mlnet.RowByRowImagesPerSecond > 0)
            Console.WriteLine("ML.NET path model.Transform: batched " +
                              $"{mlnet.InferImagesPerSecond:F0} img/s, row by row " +
                              $"{mlnet.RowByRowImagesPerSecond:F0} img/s " +
                              $"({mlnet.InferImagesPerSecond / mlnet.RowByRowImagesPerSecond:F1}x), " +
                              $"row by row through TorchSharp {mlnet.RowByRowTorchSharpImagesPerSecond:F0} img/s " +
                              $"({mlnet.InferImagesPerSecond / mlnet.RowByRowTorchSharpImagesPerSecond:F1}x).");
        Console.WriteLine("ML.NET path vs bare TorchSharp: training " +
                          $"{mlnet.TrainImagesPerSecond / bare.TrainImagesPerSecond:F2}x, " +
                          $"batch inference {mlnet.InferImagesPerSecond / bare.InferImagesPerSecond:F2}x, latency " +
                          $"{bare.LatencyMs / mlnet.LatencyMs:F2}x.");
        string VsPyTorch(double ms) => pytorch is null ? "" : $" ({pytorch.LatencyMs / ms:F2}x PyTorch)";
        Console.WriteLine("PredictionEngine single-image latency by ScoringEngine: ONNX Runtime " +
                          $"{mlnet.OnnxRuntimeLatencyMs:F3} ms" +
                          $"{VsPyTorch(mlnet.OnnxRuntimeLatencyMs)}, TorchSharp {mlnet.TorchSharpLatencyMs:F3} ms" +
                          $"{VsPyTorch(mlnet.TorchSharpLatencyMs)}" +
                          (pytorch is null ? "." : $", PyTorch {pytorch.LatencyMs:F3} ms."));
        return 0;
    }
    case "profile":
        return TrainingProfile.Run(Option("--threads", 2), Option("--steps", 100));
    case "latency":
        set_num_threads(Option("--threads", 2));
        LatencyProfile.Run(Option("--calls", 500));
        return 0;
    case "onnx":
        return OnnxSpeed.Run(Option("--threads", 2));
    case "soak":
        return Soak.Run(Option("--predictions", 100_000), Option("--transforms", 200));
    case "memory":
        return MemoryBenchmark.Run(args, Option("--steps", 0));
    case "memory-part":
        return MemoryBenchmark.Part(int.Parse(args[1]), int.Parse(args[2]), args[3], int.Parse(args[4]));
    case "accuracy":
        return AccuracyGrid.Run(args, Option, Text);
    case "colocalisation":
        return CoLocalisationExperiment.Run(args.Contains("--clutter"), Option("--per-class", 100),
            Option("--epochs", 60),
            Text("--classes", null),
            double.Parse(Text("--learning-rate", "0.001"), System.Globalization.CultureInfo.InvariantCulture),
            Option("--batch-size", 32), Option("--triplet-epochs", SpatialTransformEstimator.Defaults.TripletEpochs),
            args.Contains("--verbose"));
    case "images":
        return ImageFolderBenchmark.Run(Option("--count", 3000), Option("--size", 128), Option("--epochs", 10),
            Text("--directory", null),
            double.Parse(Text("--budget-minutes", "0"), System.Globalization.CultureInfo.InvariantCulture),
            Text("--modes", "plain,cached"));
    case "colour":
        return ColourBenchmark.Run(args);
    case "sequences":
        return SequenceExperiment.Run(Option("--size", 64), double.Parse(Text("--budget-minutes", "3"),
            System.Globalization.CultureInfo.InvariantCulture), Option("--train-count", 10000),
            Option("--test-count", 1000),
            Option("--speed-rounds", 3));
    default:
        Console.Error.WriteLine("Unknown command '" + command
                                + "'. Commands: speed, speed-part, profile, latency, accuracy, " +
                                "onnx, soak, memory, memory-part, images, colour, colocalisation, sequences.");
        return 2;
}

static SpeedFigures RunPart(string part, int threads, int steps)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
    foreach (var a in new[] { typeof(SpeedFigures).Assembly.Location, "speed-part", part, threads.ToString(),
        steps.ToString() })
        start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
        throw new InvalidOperationException($"speed-part {part} failed with exit code {process.ExitCode}.");
    return SpeedFigures.FromJson(output.Split('\n').Last(l => l.StartsWith("{")));
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Stn.MLNet.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
