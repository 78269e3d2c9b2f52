using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Stn.Benchmarks
{
    /// <summary>
    /// Runs ../shared/bench/pytorch_stn_bench.py (Debian's python3-torch) with the same thread count and steps, and
    /// reads its JSON; peak memory comes from the Python process's own getrusage.
    /// </summary>
    internal static class PyTorchSpeed
    {
        public static SpeedFigures Measure(string script, int threads, int steps, out string version)
        {
            version = null;
            if (!File.Exists(script)) { Console.Error.WriteLine($"PyTorch reference skipped: {script} not found.");
                return null; }
            const string python = "/usr/bin/python3";
            // The wrapper runs the script unchanged and adds its peak resident memory (ru_maxrss, KiB on Linux).
            string wrapper = "import runpy, sys, resource; sys.argv = sys.argv[1:]; " +
                             "runpy.run_path(sys.argv[0], run_name='__main__'); " +
                             "print('MAXRSS_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)";
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-c", wrapper, script, threads.ToString(), steps.ToString() })
                start.ArgumentList.Add(a);
            Process process;
            try { process = Process.Start(start); }
            catch (System.ComponentModel.Win32Exception) { Console.Error.WriteLine("PyTorch reference skipped: " +
                "/usr/bin/python3 not found (apt-get install python3-torch)."); return null; }
            // drained alongside stdout, or a chatty stderr deadlocks both
            var errorsTask = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            string errors = errorsTask.GetAwaiter().GetResult();
            process.WaitForExit();
            if (process.ExitCode != 0) { Console.Error.WriteLine("PyTorch reference failed (apt-get install " +
                $"python3-torch?):\n{errors}"); return null; }
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            using var json = JsonDocument.Parse(lines.First(l => l.TrimStart().StartsWith("{")));
            var root = json.RootElement;
            version = root.GetProperty("torch").GetString();
            double maxRss = double.Parse(lines.First(l => l.StartsWith("MAXRSS_KIB")).Split(' ')[1]) / 1024.0;
            return new SpeedFigures($"PyTorch {version}", root.GetProperty("train_images_per_s").GetDouble(),
                root.GetProperty("infer_images_per_s_b256").GetDouble(),
                root.GetProperty("latency_ms_b1").GetDouble(), maxRss);
        }
    }
}
