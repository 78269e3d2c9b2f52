using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;

namespace Microsoft.ML.SpatialTransformer.Tests.Packaging
{
    /// <summary>
    /// A folder outside the repository where README's shell commands run as a user would type them. The packages are
    /// packed from this repository's build output under a version no other run uses (0.1.0.N), so NuGet's global cache
    /// never hands back a package packed by another run, and that version is removed from the cache afterwards.
    /// </summary>
    internal sealed class FreshApp : IDisposable
    {
#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif
        private static readonly string[] s_packageIds = { "Stn.MLNet.SpatialTransformer", "Stn.MLNet.Trainers",
            "Stn.MLNet.Cpu" };
        private readonly TempDirectory _root = new TempDirectory();
        private readonly string _repository;
        private readonly List<string> _log = new List<string>();

        public FreshApp(string repository)
        {
            _repository = repository;
            Version = "0.1.0." + Random.Shared.Next(1, int.MaxValue);
            Feed = Path.Combine(_root.Path, "stn-packages");
            Directory.CreateDirectory(Feed);
            CurrentDirectory = _root.Path;
        }

        public string Version { get; }
        public string Feed { get; }
        public string CurrentDirectory { get; private set; }

        /// <summary>Every command run and its output, for failure messages.</summary>
        public string Log => string.Join("\n", _log);

        /// <summary>
        /// Runs one README line. `dotnet pack` runs in the repository on the tests' build output (--no-build) with this
        /// run's version; `cd` changes folder; `dotnet add package Stn.MLNet.*` gets this run's version; ~/stn-packages
        /// is this run's feed.
        /// </summary>
        public (int Exit, string Output) Run(string line, TimeSpan timeout)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w == "~/stn-packages" ? Feed : w).ToList();
            if (words[0] == "cd")
            {
                CurrentDirectory = Path.GetFullPath(Path.Combine(CurrentDirectory, words[1]));
                return (0, "");
            }
            if (words[0] != "dotnet")
                throw new NotSupportedException($"README quick start line not understood: {line}");
            string directory = CurrentDirectory;
            if (words[1] == "pack")
            {
                directory = _repository;
                words.AddRange(new[] { "--no-build", "-p:Version=" + Version });
                words[words.IndexOf("-c") + 1] = Configuration;
            }
            if (words[1] == "add" && words[2] == "package"
                && words[3].StartsWith("Stn.MLNet.", StringComparison.Ordinal))
                words.AddRange(new[] { "--version", Version });
            return Dotnet(directory, words.Skip(1), timeout);
        }

        public void WriteFile(string name, string text)
            => File.WriteAllText(Path.Combine(CurrentDirectory, name), text);

        public (int Exit, string Output) Dotnet(string directory, IEnumerable<string> args, TimeSpan timeout)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            foreach (var a in args) start.ArgumentList.Add(a);
            // The test host's MSBuild settings must not leak into the user's commands.
            foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH",
                "MSBuildLoadMicrosoftTargetsReadOnly" })
                start.Environment.Remove(name);
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            string output = stdout.Result + stderr.Result;
            _log.Add($"$ (in {directory}) dotnet {string.Join(' ', start.ArgumentList)}\n{output}");
            return (process.HasExited && process.ExitCode == 0 ? 0 : process.ExitCode, output);
        }

        /// <summary>
        /// Fails when the folder sits under a Directory.Build.* or Directory.Packages.props that would change the app.
        /// </summary>
        public void AssertNoBuildFilesAbove()
        {
            for (var dir = new DirectoryInfo(_root.Path); dir is not null; dir = dir.Parent)
                foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets",
                    "Directory.Packages.props" })
                    if (File.Exists(Path.Combine(dir.FullName, name)))
                        throw new InvalidOperationException($"{Path.Combine(dir.FullName, name)} " +
                            "would apply to the fresh app.");
        }

        public void Dispose()
        {
            _root.Dispose();
            string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in s_packageIds)
            {
                string folder = Path.Combine(cache, id.ToLowerInvariant(), Version);
                try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
        }
    }
}
