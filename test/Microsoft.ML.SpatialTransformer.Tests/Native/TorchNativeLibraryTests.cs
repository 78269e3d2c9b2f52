using System;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    public class TorchNativeLibraryTests
    {
        [Fact]
        public void LoadsHereAfterTheBuildStep()
        {
            // On Debian 12 this only passes because build/TorchSharpNativeFix.targets patched the copy in bin/.
            TorchNativeLibrary.EnsureLoaded();
            TorchNativeLibrary.EnsureLoaded(); // idempotent
        }

        [Fact]
        public void WhereEverythingLoadsTheMessageGivesNoAdviceForACauseThatIsAbsent()
        {
            TorchNativeLibrary.EnsureLoaded();
            string message = TorchNativeLibrary.Explain();
            Assert.StartsWith("TorchSharp's native library could not be loaded although LibTorch is present", message);
            Assert.DoesNotContain("GLIBCXX", message);
            Assert.DoesNotContain("backend is missing", message);
        }

        [Fact]
        public void ConstructingEstimatorsRunsNoConvolutionTheEntryPointRunsTheCheck()
        {
            // oneDNN prints every primitive it executes under ONEDNN_VERBOSE=1; the check's convolutions must come
            // from the entry point, not from building a pipeline (fresh processes: this one has loaded long ago).
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                || RuntimeInformation.ProcessArchitecture != Architecture.X64)
                return; // the x64 Linux backend is the one known to execute its float32 convolutions through oneDNN
            static int Convolutions(string output) =>
                output.Split('\n').Count(line => line.Contains(",exec,cpu,convolution,", StringComparison.Ordinal));
            var verbose = ("ONEDNN_VERBOSE", "1");
            string constructed = ModelRunnerProcess.Run(new[] { "--construct-estimators" }, verbose);
            Assert.Contains("constructed 3", constructed);
            Assert.Equal(0, Convolutions(constructed));
            string loaded = ModelRunnerProcess.Run(new[] { "--construct-estimators", "load" }, verbose);
            Assert.Contains("loaded", loaded);
            Assert.True(Convolutions(loaded) > 0, loaded);
        }
    }
}
