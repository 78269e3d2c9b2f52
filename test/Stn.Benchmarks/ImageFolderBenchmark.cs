using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Stn.Datasets;
using Stn.Datasets.Colour;
using Stn.Datasets.Mnist;

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
        /// <summary>
        /// Writes the PNG files to <paramref name="keptDirectory"/> and keeps them there (reused when its train.tsv
        /// exists), or to a temporary folder deleted at the end when it is null.
        /// </summary>
        public static int Run(int count, int size, int epochs, string keptDirectory = null, double budgetMinutes = 0,
            string modes = "plain,cached")
        {
            string directory = keptDirectory ?? Directory.CreateTempSubdirectory("stn-images-").FullName;
            try
            {
                var watch = Stopwatch.StartNew();
                if (keptDirectory is null || !File.Exists(Path.Combine(keptDirectory, "train.tsv")))
                {
                    Directory.CreateDirectory(directory);
                    WritePngs(directory, count, size);
                }
                Console.WriteLine($"{count} training and {Math.Max(200, count / 4)} test PNG " +
                                  $"files of {size}x{size} colour " +
                                  $"clutter digits written in {watch.Elapsed.TotalSeconds:F1} s; StCnn Fit " +
                                  "(defaults; batch norm, classifier widths 16,32) of " +
                                  (budgetMinutes > 0 ? $"a {budgetMinutes} min training budget " +
                                      $"(at most {epochs} epochs)" : $"{epochs} epochs") +
                                  $", a fresh process per line, {Environment.ProcessorCount} cores.");
                Console.WriteLine($"{"pipeline",-48} {"read s",7} {"fit s",7} {"peak MiB",9} {"test accuracy",14}");
                foreach (var mode in modes.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    string pipeline = mode == "plain"
                        ? "ExtractPixels -> StCnn" : "ExtractPixels -> AppendCacheCheckpoint -> StCnn";
                    Console.WriteLine($"{pipeline,-48}" + RunChild(directory, size, epochs, mode, budgetMinutes));
                }
            }
            finally
            {
                if (keptDirectory is null) Directory.Delete(directory, recursive: true);
            }
            return 0;
        }

        // The colour benchmark's images (MNIST digits coloured, rotated and scaled on colour clutter) as PNG files:
        // train.tsv and test.tsv list file name and digit, as an app's image folder would.
        private static void WritePngs(string directory, int count, int size)
        {
            string root = RepositoryPaths.FindRoot();
            var mnist = MnistDataset.Load(RepositoryPaths.TryFindFullMnist(root, out var full) ? full
                : RepositoryPaths.MnistSubset(root));
            var clutter = ColourClutterOptions.Moderate(size);
            Write(new ColourClutterImages(mnist.Train, seed: 1, clutter), "train", count);
            Write(new ColourClutterImages(mnist.Test, seed: 1001, clutter), "test", Math.Max(200, count / 4));

            void Write(ColourClutterImages images, string split, int rows)
            {
                var values = new float[images.ImageSize]; // [3,S,S] in [0, 1]
                var bgra = new byte[size * size * 4];
                var index = new System.Text.StringBuilder();
                for (int i = 0; i < rows; i++)
                {
                    uint digit = images.Render(i, values);
                    for (int p = 0; p < size * size; p++)
                    {
                        for (int c = 0; c < 3; c++)
                            bgra[4 * p + 2 - c] =
                                (byte)Math.Round(255 * Math.Clamp(values[c * size * size + p], 0f, 1f));
                        bgra[4 * p + 3] = 255;
                    }
                    using var image = MLImage.CreateFromPixels(size, size, MLPixelFormat.Bgra32, bgra);
                    string name = $"{split}-{i:D6}.png";
                    image.Save(Path.Combine(directory, name));
                    index.Append(name).Append('\t').Append(digit).Append('\n');
                }
                File.WriteAllText(Path.Combine(directory, split + ".tsv"), index.ToString());
            }
        }

        private static string RunChild(string directory, int size, int epochs, string mode, double budgetMinutes)
        {
            // ML.NET's image decoding needs SkiaSharp 2.88, while this app's plots (ScottPlot) bring SkiaSharp 3: the
            // fits run in Stn.ModelRunner, built beside this app with the same configuration.
            string runner = Path.Combine(AppContext.BaseDirectory.Replace("Stn.Benchmarks", "Stn.ModelRunner"),
                "Stn.ModelRunner.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
            foreach (var a in new[] { runner, "--fit-image-folder", directory, size.ToString(), epochs.ToString(), mode,
                         budgetMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.TrimEnd().Split('\n').Last()
                : $" failed (exit code {process.ExitCode})";
        }
    }
}
