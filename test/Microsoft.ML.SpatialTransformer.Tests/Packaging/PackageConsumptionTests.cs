using System;
using System.Diagnostics;
using System.IO;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Stn.Datasets;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Packaging
{
    /// <summary>
    /// `dotnet pack` the two libraries, then build and run a fresh app that references them from a local folder (as a
    /// user would from nuget.org) with the CPU backend, and train one epoch. Slow: it restores and builds a new project.
    /// </summary>
    public class PackageConsumptionTests
    {
        private static (int Exit, string Output) Run(string workingDirectory, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd() + stderr.Result;
            p.WaitForExit();
            return (p.ExitCode, output);
        }

        [Fact]
        [Trait("Category", "Slow")]
        public void PackedPackagesTrainInAFreshApp()
        {
            string root = RepositoryPaths.FindRoot();
            ForgetCachedStnPackages(); // the same version number must not resolve to a package packed by an earlier run
            using var dir = new TempDirectory();
            string feed = Path.Combine(dir.Path, "feed"), app = Path.Combine(dir.Path, "app");
            foreach (var project in new[] { "src/Microsoft.ML.SpatialTransformer", "src/Trainers" })
            {
                var (exit, output) = Run(root, "pack", project, "-c", "Release", "-o", feed);
                Assert.True(exit == 0, output);
            }
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "NuGet.config"), $@"<?xml version=""1.0"" encoding=""utf-8""?>
<configuration>
  <packageSources>
    <clear />
    <add key=""local"" value=""{feed}"" />
    <add key=""nuget.org"" value=""https://api.nuget.org/v3/index.json"" />
  </packageSources>
</configuration>");
            // A plain app outside the repository: none of the repository's Directory.Build files apply here.
            File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
            File.WriteAllText(Path.Combine(app, "app.csproj"), @"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""Stn.MLNet.Trainers"" Version=""0.1.0"" />
    <PackageReference Include=""libtorch-cpu-linux-x64"" Version=""2.10.0"" />
  </ItemGroup>
</Project>");
            File.WriteAllText(Path.Combine(app, "Program.cs"), @"using Microsoft.ML;
using Microsoft.ML.Data;
var ml = new MLContext(seed: 1);
var random = new Random(1);
var rows = Enumerable.Range(0, 256).Select(i => { bool left = i % 2 == 0; var p = new float[144]; int r = random.Next(0, 10), c = left ? random.Next(0, 4) : random.Next(6, 10);
    for (int y = r; y < r + 3; y++) for (int x = c; x < c + 3; x++) p[y * 12 + x] = 1; return new Row { Pixels = p, Side = left ? ""left"" : ""right"" }; }).ToArray();
var data = ml.Data.LoadFromEnumerable(rows);
var model = ml.Transforms.Conversion.MapValueToKey(""Label"", ""Side"")
    .Append(ml.MulticlassClassification.Trainers.StCnn(featureColumnName: ""Pixels"", maxEpochs: 1, batchSize: 16)).Fit(data);
Console.WriteLine($""accuracy {ml.MulticlassClassification.Evaluate(model.Transform(data)).MicroAccuracy:F3}"");
class Row { [VectorType(1, 12, 12)] public float[] Pixels { get; set; } public string Side { get; set; } }
");
            var (runExit, runOutput) = Run(app, "run", "-c", "Release");
            Assert.True(runExit == 0, runOutput);
            Assert.Contains("accuracy ", runOutput);
            ForgetCachedStnPackages();
        }

        private static void ForgetCachedStnPackages()
        {
            string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in new[] { "stn.mlnet.spatialtransformer", "stn.mlnet.trainers" })
            {
                string folder = Path.Combine(cache, id);
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }
    }
}
