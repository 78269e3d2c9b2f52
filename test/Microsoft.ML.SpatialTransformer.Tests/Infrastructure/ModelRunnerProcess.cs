using System;
using System.Diagnostics;
using System.IO;

namespace Microsoft.ML.SpatialTransformer.Tests.Infrastructure
{
    /// <summary>
    /// Runs Stn.ModelRunner (copied beside the tests) in a fresh process: it loads a model zip, transforms a binary
    /// IDataView and saves the result, so nothing of the test process (loaded assemblies, modules, caches) can help.
    /// </summary>
    public static class ModelRunnerProcess
    {
        public static IDataView Transform(MLContext ml, string modelPath, IDataView input, string workDirectory)
        {
            string inputPath = Path.Combine(workDirectory, "input.idv");
            string outputPath = Path.Combine(workDirectory, "output.idv");
            using (var stream = File.Create(inputPath))
                ml.Data.SaveAsBinary(input, stream);

            string runner = Path.Combine(AppContext.BaseDirectory, "Stn.ModelRunner.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { runner, modelPath, inputPath, outputPath }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            // Both pipes are drained at once: reading one to its end while the child fills the other would deadlock.
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            var stderrTask = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000)) { process.Kill(entireProcessTree: true);
                throw new TimeoutException("Stn.ModelRunner did not finish in 120 s."); }
            string stdout = stdoutTask.GetAwaiter().GetResult();
            string stderr = stderrTask.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
                throw new InvalidOperationException("Stn.ModelRunner exited with " +
                    $"{process.ExitCode}:\n{stdout}\n{stderr}");
            return ml.Data.LoadFromBinary(outputPath);
        }

        /// <summary>
        /// Scores every row of <paramref name="input"/> in a fresh process through a PredictionEngine over the model's
        /// StCnn prediction transformer, one row at a time, with <paramref name="engine"/>; returns the scores in row
        /// order.
        /// </summary>
        public static float[][] PredictEach(MLContext ml, string modelPath, IDataView input, ScoringEngine engine,
            string workDirectory,
            string runnerDirectory = null)
        {
            string inputPath = Path.Combine(workDirectory, "input.idv");
            string outputPath = Path.Combine(workDirectory, "scores.bin");
            using (var stream = File.Create(inputPath))
                ml.Data.SaveAsBinary(input, stream);
            RunIn(runnerDirectory ?? AppContext.BaseDirectory,
                new[] { "--predict", modelPath, inputPath, outputPath, engine.ToString() });
            using var reader = new BinaryReader(File.OpenRead(outputPath));
            int rows = reader.ReadInt32(), classes = reader.ReadInt32();
            var scores = new float[rows][];
            for (int r = 0; r < rows; r++)
            {
                scores[r] = new float[classes];
                for (int k = 0; k < classes; k++) scores[r][k] = reader.ReadSingle();
            }
            return scores;
        }

        /// <summary>
        /// Runs Stn.ModelRunner with <paramref name="arguments"/> (and extra environment variables) and returns its
        /// output.
        /// </summary>
        public static string Run(string[] arguments, params (string Name, string Value)[] environment) =>
            RunIn(AppContext.BaseDirectory, arguments, environment);

        /// <summary>
        /// As <see cref="Run"/>, with the copy of Stn.ModelRunner in <paramref name="runnerDirectory"/>.
        /// </summary>
        public static string RunIn(string runnerDirectory, string[] arguments,
            params (string Name, string Value)[] environment)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(runnerDirectory, "Stn.ModelRunner.dll"));
            foreach (var a in arguments) start.ArgumentList.Add(a);
            foreach (var (name, value) in environment) start.Environment[name] = value;
            using var process = Process.Start(start)!;
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            var stderrTask = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000)) { process.Kill(entireProcessTree: true);
                throw new TimeoutException("Stn.ModelRunner did not finish in 120 s."); }
            string stdout = stdoutTask.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"Stn.ModelRunner exited with {process.ExitCode}:" +
                    $"\n{stdout}\n{stderrTask.GetAwaiter().GetResult()}");
            return stdout;
        }

        /// <summary>
        /// Starts Stn.ModelRunner saving <paramref name="modelPath"/> to <paramref name="target"/> with SaveAtomically
        /// in a loop ("saved n" per save) until killed.
        /// </summary>
        public static Process StartResaving(string modelPath, string target)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Stn.ModelRunner.dll"), "--resave",
                modelPath, target }) start.ArgumentList.Add(a);
            return Process.Start(start)!;
        }
    }

    /// <summary>A temporary directory removed on dispose.</summary>
    public sealed class TempDirectory : IDisposable
    {
        public TempDirectory() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stn-tests-" +
            Guid.NewGuid().ToString("N"));

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
