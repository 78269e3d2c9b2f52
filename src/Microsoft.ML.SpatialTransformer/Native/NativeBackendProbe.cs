using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// Finds out why TorchSharp's native side did not load, once it has failed: no backend package (LibTorch itself
    /// is absent from the application's native search directories), a libstdc++ too old for TorchSharp's bridge
    /// library (the loader's own error names the missing GLIBCXX version), or something else (the loader's error is
    /// kept). The message then leads with the fix for that cause, not with advice for another one.
    /// </summary>
    internal static class NativeBackendProbe
    {
        internal enum Cause
        {
            /// <summary>No LibTorch library in any directory the application searches: no backend package.</summary>
            NoBackend,
            /// <summary>TorchSharp's bridge library needs a GLIBCXX version this system's libstdc++ lacks.</summary>
            MissingGlibcxx,
            /// <summary>LibTorch is there and the loader gave another reason (or none).</summary>
            Other,
        }

        internal sealed record Finding(Cause Cause, string LibTorchPath, string LoaderError);

        internal const string TorchSharpVersion = "0.107.0";
        internal const string LibTorchVersion = "2.10.0";

        /// <summary>
        /// LibTorch's main library as TorchSharp loads it on this OS (every backend package ships it).
        /// </summary>
        internal static string LibTorchFileName =>
            OperatingSystem.IsWindows() ? "torch.dll" : OperatingSystem.IsMacOS() ? "libtorch.dylib" : "libtorch.so";

        /// <summary>TorchSharp's own native bridge (shipped in the TorchSharp package, not in a backend).</summary>
        internal static string BridgeFileName =>
            OperatingSystem.IsWindows() ? "LibTorchSharp.dll"
            : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib"
            : "libLibTorchSharp.so";

        /// <summary>The CPU backend package for this OS and processor (e.g. libtorch-cpu-linux-x64).</summary>
        internal static string CpuBackendPackage
        {
            get
            {
                string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
                string arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "arm64" : "x64";
                return $"libtorch-cpu-{os}-{arch}";
            }
        }

        /// <summary>The directories the runtime searches for this application's native libraries.</summary>
        internal static IReadOnlyList<string> SearchDirectories()
        {
            var dirs = new List<string>();
            // Filled by the host from the app's deps.json (its packages' runtimes/*/native folders).
            if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string probing)
                dirs.AddRange(probing.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
            string app = AppContext.BaseDirectory;
            dirs.Add(app);
            dirs.Add(Path.Combine(app, "runtimes", CpuBackendPackage.Substring("libtorch-cpu-".Length), "native"));
            string torchSharp = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
            if (!string.IsNullOrEmpty(torchSharp))
                dirs.Add(torchSharp);
            return dirs.Select(d => Path.GetFullPath(d)).Distinct().ToList();
        }

        /// <summary>Why TorchSharp's native side does not load, judged from <paramref name="directories"/>.</summary>
        internal static Finding Probe(IEnumerable<string> directories)
        {
            var dirs = directories.ToList();
            string libTorch = Find(dirs, LibTorchFileName);
            if (libTorch is null) return new Finding(Cause.NoBackend, null, null);
            string bridge = Find(dirs, BridgeFileName);
            // LibTorch first, as TorchSharp loads it: the bridge then finds its dependencies already in the process.
            string error = TryLoad(libTorch) ?? (bridge is null ? null : TryLoad(bridge));
            return new Finding(Classify(error), libTorch, error);
        }

        /// <summary>The cause a loader error names, LibTorch being present (glibc's dlerror: "version `GLIBCXX_3.4.32'
        /// not found (required by ...)").</summary>
        internal static Cause Classify(string loaderError) =>
            loaderError is not null && loaderError.Contains("GLIBCXX_", StringComparison.Ordinal)
                ? Cause.MissingGlibcxx
                : Cause.Other;

        /// <summary>
        /// The message for <paramref name="finding"/>: the fix for its cause first, then the loader's words.
        /// </summary>
        internal static string Explain(Finding finding, IReadOnlyList<string> searched, string hostLibStdCxx)
        {
            switch (finding.Cause)
            {
                case Cause.NoBackend:
                    return $"TorchSharp's native backend is missing: no {LibTorchFileName} in the application's native "
                        + $"search directories ({string.Join(", ", searched.Take(4))}). The Stn.MLNet library "
                        + "packages, like TorchSharp, leave the choice of backend to the application: add one backend "
                        + "package. For the CPU on any OS: `dotnet add package Stn.MLNet.Cpu` (Stn.MLNet with "
                        + "TorchSharp-cpu), "
                        + $"or `dotnet add package TorchSharp-cpu --version {TorchSharpVersion}`; for this OS only: "
                        + $"`dotnet add package {CpuBackendPackage} --version {LibTorchVersion}`; for an NVIDIA GPU: "
                        + $"TorchSharp-cuda-linux or TorchSharp-cuda-windows {TorchSharpVersion}. Reference exactly "
                        + "one, then build the application again.";
                case Cause.MissingGlibcxx:
                    return $"TorchSharp's native library {BridgeFileName} could not be loaded: it asks for a GLIBCXX "
                        + $"version that this system's libstdc++ ({hostLibStdCxx ?? "not found"}) lacks (Debian 12, "
                        + "Ubuntu 22.04 and older). The Stn.MLNet packages mark that requirement weak in the build and "
                        + "publish output when the machine that builds lacks it; build or publish the application on a "
                        + "machine with this system's libstdc++ (in this repository apps import "
                        + "build/TorchSharpNativeFix.targets), or install a libstdc++ from GCC 13 or newer. "
                        + $"The loader said: {finding.LoaderError}";
                default:
                    return $"TorchSharp's native library could not be loaded although LibTorch is present "
                        + $"({finding.LibTorchPath}). Check that the application references exactly one backend "
                        + $"package matching TorchSharp {TorchSharpVersion} (TorchSharp-cpu or {CpuBackendPackage} "
                        + $"{LibTorchVersion}, or TorchSharp-cuda-linux / TorchSharp-cuda-windows "
                        + $"{TorchSharpVersion}). "
                        + (finding.LoaderError is null ? "" : $"The loader said: {finding.LoaderError} ")
                        + "See the inner exception for TorchSharp's own trace.";
            }
        }

        private static string Find(IEnumerable<string> dirs, string fileName) =>
            dirs.Select(d => Path.Combine(d, fileName)).FirstOrDefault(File.Exists);

        // The loader's reason (dlerror's text is part of the exception's message), or null when it loads.
        private static string TryLoad(string path)
        {
            try
            {
                NativeLibrary.Load(path);
                return null;
            }
            catch (DllNotFoundException e)
            {
                return e.Message;
            }
            catch (BadImageFormatException e)
            {
                return e.Message;
            }
        }
    }
}
