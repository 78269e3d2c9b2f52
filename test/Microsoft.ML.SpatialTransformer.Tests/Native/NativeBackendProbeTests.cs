using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    /// <summary>The failure message leads with the fix for the actual cause (issue: without a backend package the
    /// first advice used to be the libstdc++ one, which was wrong there).</summary>
    public class NativeBackendProbeTests
    {
        private static string HostLibStdCxx() =>
            new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
                "/usr/lib" }
                .Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);

        private static bool HostLacksGlibcxx3432()
        {
            string host = HostLibStdCxx();
            return RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && host is not null
                && File.ReadAllBytes(host).AsSpan().IndexOf(Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0")) < 0;
        }

        [Fact]
        public void WithoutABackendTheMessageNamesTheBackendPackagesFirstAndNothingAboutLibstdcxx()
        {
            using var empty = new TempDirectory();
            var searched = new[] { empty.Path };
            var finding = NativeBackendProbe.Probe(searched);
            Assert.Equal(NativeBackendProbe.Cause.NoBackend, finding.Cause);
            string message = NativeBackendProbe.Explain(finding, searched, HostLibStdCxx());
            Assert.StartsWith("TorchSharp's native backend is missing: no " + NativeBackendProbe.LibTorchFileName,
                message);
            Assert.Contains(empty.Path, message);
            int cpu = message.IndexOf("`dotnet add package Stn.MLNet.Cpu`", StringComparison.Ordinal);
            Assert.True(cpu > 0 && cpu < 400, message); // the one-line fix comes early
            Assert.Contains($"dotnet add package {NativeBackendProbe.CpuBackendPackage} --version 2.10.0", message);
            Assert.Contains("TorchSharp-cpu --version 0.107.0", message);
            Assert.DoesNotContain("GLIBCXX", message);
            Assert.DoesNotContain("libstdc++", message);
        }

        [Fact]
        public void TheBackendOfThisTestRunIsFoundWhereTheRuntimeSearches()
        {
            var found = NativeBackendProbe.Probe(NativeBackendProbe.SearchDirectories());
            Assert.NotNull(found.LibTorchPath);
            Assert.Equal(NativeBackendProbe.Cause.Other, found.Cause);
            Assert.Null(found.LoaderError); // it loads
        }

        [Theory]
        [InlineData("/x/libLibTorchSharp.so: version `GLIBCXX_3.4.32' not found (required by /x/libLibTorchSharp.so)",
            true)]
        [InlineData("/x/libtorch.so: invalid ELF header", false)]
        [InlineData(null, false)]
        public void ALoaderErrorIsALibstdcxxProblemOnlyWhenItNamesAGlibcxxVersion(string error, bool glibcxx)
        {
            Assert.Equal(glibcxx ? NativeBackendProbe.Cause.MissingGlibcxx : NativeBackendProbe.Cause.Other,
                NativeBackendProbe.Classify(error));
            string message =
                NativeBackendProbe.Explain(new NativeBackendProbe.Finding(NativeBackendProbe.Classify(error),
                    "/x/libtorch.so", error), new[] { "/x" }, "/usr/lib/libstdc++.so.6");
            Assert.Equal(glibcxx, message.Contains("GCC 13 or newer"));
            if (error is not null)
                Assert.EndsWith(error, message.Replace(" See the inner exception for TorchSharp's own trace.", ""));
        }

        [Fact]
        public void AnUnreadableLibTorchIsReportedWithTheLoadersOwnWords()
        {
            using var dir = new TempDirectory();
            File.WriteAllText(Path.Combine(dir.Path, NativeBackendProbe.LibTorchFileName), "not a shared library");
            var finding = NativeBackendProbe.Probe(new[] { dir.Path });
            Assert.Equal(NativeBackendProbe.Cause.Other, finding.Cause);
            Assert.NotNull(finding.LoaderError);
            string message = NativeBackendProbe.Explain(finding, new[] { dir.Path }, HostLibStdCxx());
            Assert.Contains(finding.LoaderError, message);
            Assert.DoesNotContain("GCC 13", message);
        }

        [Fact]
        public void TorchSharpsUnpatchedBridgeIsReportedAsTheLibstdcxxProblemWhereTheHostLacksTheVersion()
        {
            if (!HostLacksGlibcxx3432()) return; // a host with GCC 13's libstdc++ loads the bridge as shipped
            string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string shipped = Path.Combine(cache, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native",
                "libLibTorchSharp.so");
            Assert.True(File.Exists(shipped), shipped + " (restored with the tests)");
            string loadedLibTorch = NativeBackendProbe.Probe(NativeBackendProbe.SearchDirectories()).LibTorchPath;
            using var dir = new TempDirectory();
            // The same LibTorch file (already loaded here) beside TorchSharp's bridge as its package ships it.
            File.CreateSymbolicLink(Path.Combine(dir.Path, "libtorch.so"), loadedLibTorch);
            File.Copy(shipped, Path.Combine(dir.Path, "libLibTorchSharp.so"));
            var finding = NativeBackendProbe.Probe(new[] { dir.Path });
            Assert.Equal(NativeBackendProbe.Cause.MissingGlibcxx, finding.Cause);
            string message = NativeBackendProbe.Explain(finding, new[] { dir.Path }, HostLibStdCxx());
            Assert.StartsWith("TorchSharp's native library libLibTorchSharp.so could not be " +
                "loaded: it asks for a GLIBCXX", message);
            Assert.Contains("GLIBCXX_3.4.32", message); // the loader's own words
            Assert.Contains(HostLibStdCxx(), message);
        }
    }
}
