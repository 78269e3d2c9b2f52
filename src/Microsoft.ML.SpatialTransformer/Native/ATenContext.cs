using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// The ATen switches TorchSharp does not expose: whether convolutions may use oneDNN (PyTorch's
    /// torch.backends.mkldnn.enabled) or NNPACK (torch.backends.nnpack). Reached through libtorch_cpu's C++ exports,
    /// whose names are Itanium-mangled, so this works where libtorch is built with GCC or Clang (Linux, macOS) and
    /// reports false elsewhere.
    /// </summary>
    internal static class ATenContext
    {
        private const string Library = "libtorch_cpu";

        [DllImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
        private static extern IntPtr GlobalContext();

        [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
        [return: MarshalAs(UnmanagedType.U1)]
        private static extern bool UserEnabledMkldnn(IntPtr context);

        [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
        private static extern void SetUserEnabledNNPACK(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport(Library, EntryPoint = "_ZN2at6native17_nnpack_availableEv")]
        [return: MarshalAs(UnmanagedType.U1)]
        private static extern bool NnpackAvailable();

        /// <summary>
        /// Where NNPACK cannot initialise (CPUs it does not know), ATen tries again and prints a warning to stderr on
        /// every convolution; turning it off there only stops that noise, since it was never used.
        /// </summary>
        public static void DisableNnpackWhereUnavailable()
        {
            try
            {
                if (!NnpackAvailable()) SetUserEnabledNNPACK(GlobalContext(), false);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }

        /// <summary>Whether ATen may use oneDNN; null where the switch cannot be reached.</summary>
        public static bool? MkldnnEnabled
        {
            get
            {
                try { return UserEnabledMkldnn(GlobalContext()); }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
            }
        }

        /// <summary>
        /// Turns oneDNN off for every later operation in the process; false where the switch cannot be reached.
        /// </summary>
        public static bool TryDisableMkldnn() => TrySetMkldnn(false);

        /// <summary>
        /// Lets ATen use oneDNN for every later operation in the process, or not; false where the switch cannot be
        /// reached.
        /// </summary>
        public static bool TrySetMkldnn(bool enabled)
        {
            try
            {
                SetUserEnabledMkldnn(GlobalContext(), enabled);
                return UserEnabledMkldnn(GlobalContext()) == enabled;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }
    }
}
