using System;
using System.Linq;

namespace Stn.Benchmarks
{
    /// <summary>Prints contenders side by side with their ratio to the first (the reference).</summary>
    internal static class SpeedTable
    {
        public static void Print(SpeedFigures reference, params SpeedFigures[] others)
        {
            var rows = new[] { reference }.Concat(others).Where(r => r is not null).ToList();
            Console.WriteLine();
            Console.WriteLine("| contender | train img/s (b64) | infer img/s (b256) | " +
                "latency ms (b1) | peak RSS MiB |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var r in rows)
            {
                string Ratio(double value, double refValue, bool higherIsBetter) =>
                    reference is null
                        || r == reference ? "" : $" ({(higherIsBetter ? value / refValue : refValue / value):F2}x)";
                Console.WriteLine($"| {r.Name} | " +
                                  $"{r.TrainImagesPerSecond:F0}" +
                                  $"{Ratio(r.TrainImagesPerSecond, reference?.TrainImagesPerSecond ?? 0, true)} " +
                                  $"| {r.InferImagesPerSecond:F0}" +
                                  $"{Ratio(r.InferImagesPerSecond, reference?.InferImagesPerSecond ?? 0, true)} " +
                                  $"| {r.LatencyMs:F3}{Ratio(r.LatencyMs, reference?.LatencyMs ?? 0, false)} | " +
                                  $"{r.PeakMemoryMiB:F0} |");
            }
            if (reference is not null)
                Console.WriteLine($"Ratios are against {reference.Name}: above 1.00x is faster " +
                    "(latency: reference / ours).");
        }
    }
}
