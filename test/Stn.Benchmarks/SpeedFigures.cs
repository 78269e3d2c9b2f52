using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Stn.Benchmarks
{
    /// <summary>
    /// One contender's figures, as printed by each measuring process (one JSON line). LatencyMs is the contender's
    /// default single-image path; the ML.NET path also reports each scoring engine's (NaN for the others).
    /// </summary>
    internal sealed record SpeedFigures(string Name, double TrainImagesPerSecond, double InferImagesPerSecond,
        double LatencyMs, double PeakMemoryMiB, double TorchSharpLatencyMs = double.NaN,
        double OnnxRuntimeLatencyMs = double.NaN)
    {
        /// <summary>
        /// The ML.NET path's rows scored row by row (ML.NET's scorer, as a PredictionEngine), img/s; 0: not measured.
        /// </summary>
        public double RowByRowImagesPerSecond { get; init; }
        /// <summary>The same, with the model's ScoringEngine set to TorchSharp, img/s; 0: not measured.</summary>
        public double RowByRowTorchSharpImagesPerSecond { get; init; }

        /// <summary>
        /// The better of two measurements of one contender, figure by figure (null where there is none).
        /// </summary>
        public static SpeedFigures Best(SpeedFigures a, SpeedFigures b)
            => a is null ? b : b is null ? a : new SpeedFigures(a.Name, System.Math.Max(a.TrainImagesPerSecond,
            b.TrainImagesPerSecond), System.Math.Max(a.InferImagesPerSecond, b.InferImagesPerSecond),
            System.Math.Min(a.LatencyMs, b.LatencyMs), System.Math.Max(a.PeakMemoryMiB, b.PeakMemoryMiB),
            Min(a.TorchSharpLatencyMs, b.TorchSharpLatencyMs), Min(a.OnnxRuntimeLatencyMs, b.OnnxRuntimeLatencyMs))
        {
            RowByRowImagesPerSecond = System.Math.Max(a.RowByRowImagesPerSecond, b.RowByRowImagesPerSecond),
            RowByRowTorchSharpImagesPerSecond =
                System.Math.Max(a.RowByRowTorchSharpImagesPerSecond, b.RowByRowTorchSharpImagesPerSecond),
        };

        private static double Min(double a, double b)
            => double.IsNaN(a) ? b : double.IsNaN(b) ? a : System.Math.Min(a, b);

        // NaN marks a figure a contender does not have.
        private static readonly JsonSerializerOptions s_json = new()
        {
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };

        public string ToJson() => JsonSerializer.Serialize(this, s_json);

        public static SpeedFigures FromJson(string line) => JsonSerializer.Deserialize<SpeedFigures>(line, s_json);

        /// <summary>Peak resident memory of this process so far (Linux VmHWM), in MiB; NaN elsewhere.</summary>
        public static double PeakResidentMiB()
        {
            const string status = "/proc/self/status";
            if (!File.Exists(status)) return double.NaN;
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:"))
                    return double.Parse(line.Split(' ', System.StringSplitOptions.RemoveEmptyEntries)[1],
                        CultureInfo.InvariantCulture) / 1024.0;
            return double.NaN;
        }
    }
}
