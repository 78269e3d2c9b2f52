using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Stn.Datasets;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Packaging
{
    /// <summary>
    /// README's "Quick start from NuGet", run as a new user would: pack the packages into a local folder, `dotnet new
    /// console` outside the repository (no repository build file applies), `dotnet add package`, README's Program.cs,
    /// `dotnet run`. The app has nothing but PackageReferences.
    /// </summary>
    public class PackageConsumptionTests
    {
        private static readonly TimeSpan Minutes5 = TimeSpan.FromMinutes(5);

        private static void Succeeds(FreshApp app, string line)
        {
            var (exit, output) = app.Run(line, Minutes5);
            Assert.True(exit == 0, app.Log);
            // the packages' dependencies restore at versions the registry serves
            Assert.DoesNotContain("NU1603", output);
        }

        private static void PackAndCreate(FreshApp app, ReadmeQuickStart readme)
        {
            app.AssertNoBuildFilesAbove();
            Assert.StartsWith("dotnet pack", readme.Commands[0]);
            Succeeds(app, readme.Commands[0]);
            Assert.Equal(new[] { "Stn.MLNet.Cpu", "Stn.MLNet.SpatialTransformer", "Stn.MLNet.Trainers" },
                Directory.GetFiles(app.Feed, "*.nupkg")
                    .Select(f => Path.GetFileName(f).Replace($".{app.Version}.nupkg", "")).OrderBy(n => n));
            Assert.StartsWith("dotnet new console", readme.Commands[1]);
            Succeeds(app, readme.Commands[1]);
            Assert.StartsWith("cd ", readme.Commands[2]);
            app.Run(readme.Commands[2], Minutes5);
        }

        private static void RunsAndPrintsReadmesOutput(FreshApp app, ReadmeQuickStart readme)
        {
            var (exit, output) = app.Run("dotnet run -c Release", Minutes5);
            Assert.True(exit == 0, app.Log);
            Assert.DoesNotContain("NU1603", output);
            foreach (var line in readme.ExpectedOutput)
                Assert.True(output.Contains(line), $"expected '{line}' in:\n{output}");
            Assert.True(File.Exists(Path.Combine(app.CurrentDirectory, "bars.zip")));
        }

        /// <summary>The library package alone: the first Fit names the missing backend; with README's backend package
        /// added, the same app trains, evaluates, saves, reloads and predicts as README shows.</summary>
        [Fact]
        public void TheQuickStartWithABackendOfOnesChoiceSaysWhatIsMissingThenRuns()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.ProcessArchitecture
                != Architecture.X64)
                return; // README's choose-your-backend line names the Linux x64 backend
            string root = RepositoryPaths.FindRoot();
            var readme = ReadmeQuickStart.Read(Path.Combine(root, "README.md"));
            using var app = new FreshApp(root);
            PackAndCreate(app, readme);
            Assert.Equal(2, readme.ChooseYourBackendCommands.Count);
            Assert.StartsWith("dotnet add package Stn.MLNet.Trainers", readme.ChooseYourBackendCommands[0]);
            Succeeds(app, readme.ChooseYourBackendCommands[0]);
            app.WriteFile("Program.cs", readme.Program);

            var (exit, output) = app.Run("dotnet run -c Release", Minutes5);
            Assert.True(exit != 0, app.Log);
            int missing = output.IndexOf("System.InvalidOperationException: TorchSharp's native backend is missing",
                StringComparison.Ordinal);
            Assert.True(missing >= 0, app.Log);
            Assert.True(output.IndexOf("`dotnet add package Stn.MLNet.Cpu`", missing,
                StringComparison.Ordinal) > missing, output);
            Assert.DoesNotContain("GLIBCXX", output);

            Assert.Equal("dotnet add package libtorch-cpu-linux-x64 --version 2.10.0",
                readme.ChooseYourBackendCommands[1]);
            Succeeds(app, readme.ChooseYourBackendCommands[1]);
            RunsAndPrintsReadmesOutput(app, readme);
        }

        /// <summary>README's commands exactly, with the one-line package (TorchSharp-cpu brings LibTorch for every OS,
        /// 1.3 GB restored and copied to the build output: slow).</summary>
        [Fact]
        [Trait("Category", "Slow")]
        public void TheQuickStartRunsAsWrittenWithTheCpuPackage()
        {
            string root = RepositoryPaths.FindRoot();
            var readme = ReadmeQuickStart.Read(Path.Combine(root, "README.md"));
            using var app = new FreshApp(root);
            PackAndCreate(app, readme);
            Assert.Equal(4, readme.Commands.Count);
            Assert.StartsWith("dotnet add package Stn.MLNet.Cpu ", readme.Commands[3]);
            Succeeds(app, readme.Commands[3]);
            app.WriteFile("Program.cs", readme.Program);
            RunsAndPrintsReadmesOutput(app, readme);
        }
    }
}
