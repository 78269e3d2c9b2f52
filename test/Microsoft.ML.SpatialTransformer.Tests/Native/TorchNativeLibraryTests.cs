using System;
using Microsoft.ML.SpatialTransformer.Native;
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
    }
}
