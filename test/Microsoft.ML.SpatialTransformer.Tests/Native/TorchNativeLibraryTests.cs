using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
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
        public void TheFailureMessageNamesTheMissingLibstdcxxVersionExactlyWhenTheHostLacksIt()
        {
            string libstdcxx = new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" }
                .Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
            bool hostLacks = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && libstdcxx is not null
                && File.ReadAllBytes(libstdcxx).AsSpan().IndexOf(Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0")) < 0;
            string message = TorchNativeLibrary.Explain();
            Assert.Equal(hostLacks, message.Contains("lacks GLIBCXX_3.4.32"));
            Assert.Contains("libtorch-cpu-linux-x64", message);
            Assert.Contains("TorchSharp-cuda-windows", message);
        }
    }
}
