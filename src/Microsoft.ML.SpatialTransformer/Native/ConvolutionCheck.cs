using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Checks libtorch's float32 convolution against its float64 one (which never goes through oneDNN) on a fixed
    /// problem of the size our networks use. On some virtual machines oneDNN's AVX kernels return wrong values or NaN
    /// (seen on an AMD family 1Ah guest: every AVX/AVX-512 JIT convolution off by ~0.1, SSE4.1 exact); a library that
    /// trains on such numbers fails much later with a NaN loss that points nowhere near the cause.
    /// </summary>
    internal static class ConvolutionCheck
    {
        // Correct float32 results differ from float64 by ~1e-6 here; broken ones by ~1e-1 or NaN.
        private const double Tolerance = 1e-4;

        /// <summary>The largest |float32 - float64| over the check's outputs (NaN if any output is not finite).</summary>
        public static double Error()
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            // Inputs from a fixed System.Random: torch's generator is the caller's and must not be advanced here.
            var random = new Random(20151);
            double[] Values(int count) { var v = new double[count]; for (int i = 0; i < count; i++) v[i] = random.NextDouble() * 2 - 1; return v; }
            // 20 channels, as the paper's localisation CNN: the faults seen were in the kernels' partial channel blocks.
            var x = tensor(Values(2 * 20 * 7 * 7), new long[] { 2, 20, 7, 7 });   // [N,C,H,W] float64
            var w = tensor(Values(20 * 20 * 5 * 5), new long[] { 20, 20, 5, 5 }).mul_(0.05); // [O,C,5,5]
            var b = tensor(Values(20));                                            // [O]
            var exact = nn.functional.conv2d(x, w, b, padding: new long[] { 2, 2 }); // [N,O,H,W] float64
            var single = nn.functional.conv2d(x.to_type(ScalarType.Float32), w.to_type(ScalarType.Float32), b.to_type(ScalarType.Float32),
                padding: new long[] { 2, 2 }).to_type(ScalarType.Float64);
            var difference = (single - exact).abs();
            return difference.isfinite().all().item<bool>() ? difference.max().item<double>() : double.NaN;
        }

        /// <summary>
        /// Null when convolutions are right, possibly after turning oneDNN off (then <paramref name="warning"/> says so);
        /// otherwise the exception to report.
        /// </summary>
        public static Exception Verify(out string warning)
        {
            warning = null;
            ATenContext.DisableNnpackWhereUnavailable();
            double error = Error();
            if (error <= Tolerance) return null;
            if (ATenContext.TryDisableMkldnn())
            {
                double fallback = Error();
                if (fallback <= Tolerance)
                {
                    warning = $"libtorch's oneDNN convolutions give wrong results on this CPU (max error {error:G3} on a check problem), " +
                        "so they were turned off for this process and ATen's own convolutions, which are correct here but slower, are used instead. " +
                        "To keep oneDNN, limit it to kernels that work here by starting the process with ONEDNN_MAX_CPU_ISA=SSE41.";
                    return null;
                }
                error = fallback;
            }
            return new InvalidOperationException(
                $"libtorch's float32 convolution gives wrong results on this machine (max error {error:G3} against float64 on a check problem). " +
                "Start the process with ONEDNN_MAX_CPU_ISA=SSE41 (oneDNN's AVX kernels are the usual cause), or use another backend package or machine.");
        }
    }
}
