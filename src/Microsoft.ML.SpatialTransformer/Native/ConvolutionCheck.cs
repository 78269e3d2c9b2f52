using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// Checks libtorch's float32 convolution (output, input gradient and weight gradient) against its float64 one
    /// (which never goes through oneDNN) on small problems of the shapes our networks use. On some CPUs (an AMD family
    /// 1Ah virtual machine, for one) oneDNN's AVX and AVX-512 kernels for its blocked layout return wrong values or NaN
    /// when a channel count is not a multiple of 16, at random from call to call, while its channels-last kernels are
    /// right; a library that trained on such numbers would fail much later with a loss that points nowhere near the
    /// cause. The check picks the layout that is right, or turns oneDNN off.
    /// </summary>
    internal static class ConvolutionCheck
    {
        // Correct float32 results differ from float64 by ~1e-7 of their magnitude; broken ones by ~1e-1 or NaN.
        private const double Tolerance = 1e-4;

        // The faults come and go between calls (they read memory they should not), so each problem runs a few times.
        private const int Repeats = 3;

        /// <summary>
        /// The largest relative |float32 - float64| over the check's outputs and gradients with <paramref
        /// name="layout"/> (NaN if any value is not finite).
        /// </summary>
        public static double Error(ConvolutionLayout layout)
        {
            // Inputs from a fixed System.Random: torch's generator is the caller's and must not be advanced here.
            var random = new Random(20151);
            double worst = 0;
            for (int r = 0; r < Repeats; r++)
            {
                // 20 channels as the paper's localisation CNN (a partial channel block); a one-channel input that needs
                // its gradient, as a classifier's first convolution after a spatial transformer; one that does not, as
                // a localisation network's first convolution in training; and one scored under no_grad.
                foreach (var (batch, inChannels, outChannels, size, use) in new[]
                {
                    (2, 20, 20, 7, Use.Training), (2, 1, 10, 12, Use.Training),
                    (2, 1, 10, 12, Use.TrainingWithoutInputGradient), (2, 1, 10, 12, Use.Scoring),
                })
                {
                    double error = ProblemError(random, batch, inChannels, outChannels, size, use, layout);
                    if (double.IsNaN(error)) return double.NaN;
                    worst = Math.Max(worst, error);
                }
            }
            return worst;
        }

        /// <summary>What the check decided for this process.</summary>
        /// <param name="Layout">The layout CPU convolutions use without gradients (scoring).</param>
        /// <param name="TrainingLayout">The layout CPU convolutions use with gradients (training).</param>
        /// <param name="Warning">What was worked around (channels-last layout, or oneDNN turned off); null if
        /// nothing.</param>
        /// <param name="Failure">The exception to report when no workaround gives right results; null
        /// otherwise.</param>
        public sealed record Outcome(ConvolutionLayout Layout, ConvolutionLayout TrainingLayout, string Warning,
            Exception Failure);

        /// <summary>
        /// Runs the check and, for scoring, picks the standard layout when it is right, else channels-last when that
        /// is right, else turns oneDNN off for the whole process (ATen's own convolutions) when that is right, else
        /// fails. Training takes channels-last wherever oneDNN computes it right (see <see cref="TrainingLayoutFor"/>).
        /// </summary>
        public static Outcome Run()
        {
            ATenContext.DisableNnpackWhereUnavailable();
            double error = Error(ConvolutionLayout.Standard);
            if (error <= Tolerance)
                return new Outcome(ConvolutionLayout.Standard, TrainingLayoutFor(ConvolutionLayout.Standard), null,
                    null);
            double channelsLast = Error(ConvolutionLayout.ChannelsLastPaddedInput);
            if (channelsLast <= Tolerance)
            {
                return new Outcome(ConvolutionLayout.ChannelsLastPaddedInput,
                    TrainingLayoutFor(ConvolutionLayout.ChannelsLastPaddedInput),
                    "libtorch's oneDNN convolutions in their standard layout give wrong results on this CPU " +
                    $"(max relative error {error:G3} on a check problem); the networks of this library therefore " +
                    "run their convolutions in the channels-last layout, which oneDNN computes right here with " +
                    "kernels of the same instruction set. Other TorchSharp code in this process is not covered; " +
                    "starting the process with ONEDNN_MAX_CPU_ISA=SSE41 avoids the fault everywhere, more slowly.",
                    null);
            }
            if (ATenContext.TryDisableMkldnn())
            {
                double fallback = Error(ConvolutionLayout.Standard);
                if (fallback <= Tolerance)
                {
                    return new Outcome(ConvolutionLayout.Standard, ConvolutionLayout.Standard,
                        "libtorch's oneDNN convolutions give wrong results on this CPU " +
                        $"(max relative error {error:G3} on a check problem), so they were turned off for this " +
                        "process and ATen's own convolutions, which are correct here but slower, are used instead. " +
                        "To keep oneDNN, limit it to kernels that work here by starting the process with " +
                        "ONEDNN_MAX_CPU_ISA=SSE41.",
                        null);
                }
                error = fallback;
            }
            return new Outcome(ConvolutionLayout.Standard, ConvolutionLayout.Standard, null,
                new InvalidOperationException(
                    "libtorch's float32 convolution gives wrong results on this machine " +
                    $"(max relative error {error:G3} against float64 on a check problem). Start the process with " +
                    "ONEDNN_MAX_CPU_ISA=SSE41 (oneDNN's AVX kernels are the usual cause), or use another backend " +
                    "package or machine."));
        }

        /// <summary>
        /// The layout for training with oneDNN on: channels-last where it is right here, without the zero channel
        /// where the one-channel input gradient is right too. oneDNN computes channels-last tensors as they are, while
        /// the standard layout is reordered into its blocked one and back for the forward pass and both gradients, a
        /// large share of the work for the small convolutions of these networks (the benchmarks' profile command times
        /// a training step both ways). Scoring keeps <paramref name="scoring"/>: there channels-last is not faster
        /// for every network, and a saved model's scores keep their bits. The choice looks at correctness only, never
        /// at timings, so it is the same in every process on a machine.
        /// </summary>
        private static ConvolutionLayout TrainingLayoutFor(ConvolutionLayout scoring)
        {
            if (ATenContext.MkldnnEnabled != true) return scoring;
            foreach (var layout in new[] { ConvolutionLayout.ChannelsLast, ConvolutionLayout.ChannelsLastPaddedInput })
            {
                if (layout == scoring) return scoring; // checked right already
                if (Error(layout) <= Tolerance) return layout;
            }
            return scoring;
        }

        // How a network uses a convolution: which results exist and must be right.
        private enum Use { Training, TrainingWithoutInputGradient, Scoring }

        private static double ProblemError(Random random, int batch, int inChannels, int outChannels, int size, Use use,
            ConvolutionLayout layout)
        {
            using var scope = NewDisposeScope();
            Tensor Values(params long[] shape) // float64, U(-1, 1) from the check's own Random
            {
                long count = 1;
                foreach (long side in shape) count *= side;
                var v = new double[count];
                for (long i = 0; i < count; i++) v[i] = random.NextDouble() * 2 - 1;
                return tensor(v, shape);
            }
            var x = Values(batch, inChannels, size, size);            // [N,C,H,W]
            var w = Values(outChannels, inChannels, 5, 5);            // [O,C,5,5]
            var b = Values(outChannels);                              // [O]
            var upstream = Values(batch, outChannels, size, size);    // [N,O,H,W]
            var exact = Run(x, w, b, upstream, use, ConvolutionLayout.Standard);
            var single = Run(x.to_type(ScalarType.Float32), w.to_type(ScalarType.Float32),
                b.to_type(ScalarType.Float32), upstream.to_type(ScalarType.Float32), use, layout);
            double worst = 0;
            for (int i = 0; i < exact.Length; i++)
            {
                var difference = (single[i].to_type(ScalarType.Float64) - exact[i]).abs();
                if (!difference.isfinite().all().item<bool>()) return double.NaN;
                double scale = Math.Max(1, exact[i].abs().max().item<double>());
                worst = Math.Max(worst, difference.max().item<double>() / scale);
            }
            return worst;
        }

        // Output, weight gradient and input gradient of one convolution (padding 2) for the upstream gradient given, as
        // far as that use computes them.
        private static Tensor[] Run(Tensor x, Tensor w, Tensor b, Tensor upstream, Use use, ConvolutionLayout layout)
        {
            if (use == Use.Scoring)
            {
                using var noGrad = no_grad();
                return new[] { LayoutConvolution.Conv2d(x, w, b, 2, layout) };
            }
            using var grad = enable_grad(); // the check may run first inside a caller's no_grad block
            var input = use == Use.Training ? x.detach().requires_grad_() : x.detach();
            var weight = w.detach().requires_grad_();
            var output = LayoutConvolution.Conv2d(input, weight, b, 2, layout);
            output.backward(new[] { upstream });
            return use == Use.Training
                ? new[] { output.detach(), weight.grad, input.grad }
                : new[] { output.detach(), weight.grad };
        }
    }
}
