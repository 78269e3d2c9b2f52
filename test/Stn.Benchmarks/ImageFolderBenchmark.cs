using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Stn.Benchmarks
{
    /// <summary>
    /// What ML.NET's AppendCacheCheckpoint gains in an ImageAnalytics flow (LoadImages -> ResizeImages -> ExtractPixels
    /// -> StCnn) from a folder of PNG files: each Fit runs in a fresh process, once without and once with the cache,
    /// and prints the seconds spent reading (decoding) before the first batch, the whole Fit's seconds and peak
    /// resident memory.
    /// </summary>
    internal static class ImageFolderBenchmark
    {
        public static int Run(int count, int size, int epochs)
        {
            string directory = Directory.CreateTempSubdirectory("stn-images-").FullName;
            try
            {
                var watch = Stopwatch.StartNew();
                WritePngs(directory, count, size);
                Console.WriteLine($"{count} PNG files of {size}x{size} colour pixels written in {watch.Elapsed.TotalSeconds:F1} s; " +
                                  $"StCnn Fit of {epochs} epochs, a fresh process per line, {Environment.ProcessorCount} cores.");
                Console.WriteLine($"{"pipeline",-48} {"read s",7} {"fit s",7} {"peak MiB",9}");
                foreach (var mode in new[] { "plain", "cached" })
                    Console.WriteLine($"{(mode == "plain" ? "ExtractPixels -> StCnn" : "ExtractPixels -> AppendCacheCheckpoint -> StCnn"),-48}" +
                                      RunChild(directory, count, size, epochs, mode));
            }
            finally { Directory.Delete(directory, recursive: true); }
            return 0;
        }

        private static void WritePngs(string directory, int count, int size)
        {
            var ml = new MLContext(seed: 0);
            var rows = LazyImages.Make(ml, count, 3, size);
            using var cursor = rows.GetRowCursor(rows.Schema);
            var pixelsGetter = cursor.GetGetter<VBuffer<float>>(rows.Schema["Pixels"]);
            var labelGetter = cursor.GetGetter<uint>(rows.Schema["Label"]);
            VBuffer<float> pixels = default;
            uint label = 0;
            var bgra = new byte[size * size * 4];
            int i = 0;
            var index = new System.Text.StringBuilder();
            while (cursor.MoveNext())
            {
                pixelsGetter(ref pixels);
                labelGetter(ref label);
                var values = pixels.DenseValues().ToArray(); // [3,H,W] in [0, 1]
                for (int p = 0; p < size * size; p++)
                {
                    for (int c = 0; c < 3; c++) bgra[4 * p + 2 - c] = (byte)Math.Round(255 * values[c * size * size + p]);
                    bgra[4 * p + 3] = 255;
                }
                using var image = MLImage.CreateFromPixels(size, size, MLPixelFormat.Bgra32, bgra);
                string name = $"{i++:D6}.png";
                image.Save(Path.Combine(directory, name));
                index.Append(name).Append('\t').Append(label - 1).Append('\n');
            }
            File.WriteAllText(Path.Combine(directory, "index.tsv"), index.ToString());
        }

        private static string RunChild(string directory, int count, int size, int epochs, string mode)
        {
            // ML.NET's image decoding needs SkiaSharp 2.88, while this app's plots (ScottPlot) bring SkiaSharp 3: the
            // fits run in Stn.ModelRunner, built beside this app with the same configuration.
            string runner = Path.Combine(AppContext.BaseDirectory.Replace("Stn.Benchmarks", "Stn.ModelRunner"), "Stn.ModelRunner.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
            foreach (var a in new[] { runner, "--fit-image-folder", directory, size.ToString(), epochs.ToString(), mode })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.TrimEnd().Split('\n').Last() : $" failed (exit code {process.ExitCode})";
        }
    }
}
