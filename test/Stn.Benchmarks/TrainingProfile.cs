using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Stn.Benchmarks
{
    /// <summary>
    /// Where a training step of the tutorial ST-CNN (batch 64) spends its time, piece by piece, each timed on its own:
    /// building the batch tensor from managed rows (what the trainer does per batch), the spatial transformer forward
    /// (localisation, grid, sampler) and its backward, the whole forward, forward + backward, and the optimizer step.
    /// </summary>
    internal static class TrainingProfile
    {
        public static int Run(int threads, int steps)
        {
            set_num_threads(threads);
            using var net = new StNetwork(new StNetworkOptions
            {
                InputChannels = 1, InputHeight = 28, InputWidth = 28, Classes = 10,
                Transform = SpatialTransformKind.Affine,
                Localisation = LocalisationNetworkKind.Tutorial, Classifier = ClassifierKind.Tutorial,
            });
            net.train();
            var st = net.Transformers.Single();
            using var optimizer = optim.SGD(net.parameters(), 0.01);
            var random = new Random(0);
            var rows = Enumerable.Range(0, 64 * 784).Select(_ => (float)random.NextDouble()).ToArray();
            using var x = tensor(rows, new long[] { 64, 1, 28, 28 });
            using var y = tensor(Enumerable.Range(0, 64).Select(i => (long)(i % 10)).ToArray());

            var batch = new float[64 * 784];
            using var identity = tensor(new float[] { 1, 0, 0, 0, 1, 0 }).expand(64, -1).contiguous();
            using var sampling = st.Generator.call(identity);
            var pieces = new (string Name, Action Step)[]
            {
                ("data", () =>
                {
                    using var scope = NewDisposeScope();
                    Array.Copy(rows, batch, batch.Length);
                    HostTensors.FromSpan(batch, new long[] { 64, 1, 28, 28 });
                }),
                ("localisation", () => { using var scope = NewDisposeScope(); st.Localisation.call(x); }),
                ("grid", () => { using var scope = NewDisposeScope(); st.Generator.call(identity); }),
                ("sampler", () => { using var scope = NewDisposeScope(); st.Sampler.call(x, sampling); }),
                ("st", () => { using var scope = NewDisposeScope(); st.call(x); }),
                ("st+backward", () =>
                {
                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    var (warped, theta) = st.call(x);
                    (warped.sum() + theta.sum()).backward();
                }),
                ("forward", () => { using var scope = NewDisposeScope(); net.call(x); }),
                ("forward (eval: no dropout)",
                    () => { using var scope = NewDisposeScope(); net.eval(); net.call(x); net.train(); }),
                ("forward+backward", () =>
                {
                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    nn.functional.cross_entropy(net.call(x), y).backward();
                }),
                ("step", () =>
                {
                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    nn.functional.cross_entropy(net.call(x), y).backward();
                    optimizer.step();
                }),
            };
            // Rounds interleave the pieces and each keeps its best round: this machine's noise only ever adds time, and
            // comes in spells that would otherwise fall on one piece.
            var best = pieces.ToDictionary(p => p.Name, _ => double.PositiveInfinity);
            foreach (var (_, step) in pieces) for (int i = 0; i < 5; i++) step();
            for (int round = 0; round < 5; round++)
                foreach (var (name, step) in pieces)
                {
                    var watch = Stopwatch.StartNew();
                    for (int i = 0; i < steps; i++) step();
                    best[name] = Math.Min(best[name], watch.Elapsed.TotalMilliseconds / steps);
                }
            double data = best["data"], theta = best["localisation"], grid = best["grid"], sampler = best["sampler"];
            double stForward = best["st"], stBackward = best["st+backward"] - stForward;
            double forward = best["forward"], backward = best["forward+backward"] - forward, full = best["step"];
            Console.WriteLine($"Tutorial ST-CNN training step, batch 64, {threads} threads, best of 5 interleaved " +
                $"rounds of {steps} calls per piece (ms per call):");
            Console.WriteLine($"| piece | ms | share of the step |");
            Console.WriteLine($"|---|---|---|");
            void Line(string name, double ms) =>
                Console.WriteLine($"| {name} | {ms:F3} | {100 * ms / (full + data):F0}% |");
            Line("batch tensor from managed rows", data);
            Line("ST forward: localisation net", theta);
            Line("ST forward: grid generator", grid);
            Line("ST forward: sampler (grid_sample)", sampler);
            Line("classifier forward (rest of the forward)", forward - stForward);
            Line("  of which dropout (train - eval forward)", forward - best["forward (eval: no dropout)"]);
            Line("backward (whole network)", backward);
            Line("  of which the ST's backward", stBackward);
            Line("optimizer step (SGD)", full - forward - backward);
            Console.WriteLine($"| whole step (with the batch) | {full + data:F3} | 100% |");
            Console.WriteLine();
            ProfileConvolutionEngines(pieces.Single(p => p.Name == "step").Step, steps);
            Console.WriteLine();
            ProfileConvolutionLayouts(pieces.Single(p => p.Name == "step").Step, steps);
            Console.WriteLine();
            ProfileInference(net, steps);
            Console.WriteLine();
            LatencyProfile.Run(500);
            Console.WriteLine();
            ChoiceProfile.Run(steps);
            return 0;
        }

        /// <summary>
        /// The whole training step with ATen's convolutions through oneDNN (its default where oneDNN is built in) and
        /// through ATen's own kernels, interleaved rounds, each its best.
        /// </summary>
        private static void ProfileConvolutionEngines(Action step, int steps)
        {
            bool? before = ATenContext.MkldnnEnabled;
            if (before is null) return;
            double[] best;
            try
            {
                best = BestOfInterleaved(step, steps,
                    () => ATenContext.TrySetMkldnn(true), () => ATenContext.TrySetMkldnn(false));
            }
            finally
            {
                ATenContext.TrySetMkldnn(before.Value);
            }
            Console.WriteLine($"Training step by convolution engine (oneDNN was {(before.Value ? "on" : "off")} " +
                "for this process), best of 5 interleaved rounds (ms per step):");
            Console.WriteLine("| oneDNN | ATen's own kernels | oneDNN / own |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| {best[0]:F3} | {best[1]:F3} | {best[0] / best[1]:F2} |");
        }

        /// <summary>
        /// The whole training step with the convolutions in each layout (whether or not the convolution check found
        /// it right here), interleaved rounds, each its best; names the layout training uses in this process.
        /// </summary>
        private static void ProfileConvolutionLayouts(Action step, int steps)
        {
            var layouts = new[]
            {
                ConvolutionLayout.Standard, ConvolutionLayout.ChannelsLast, ConvolutionLayout.ChannelsLastPaddedInput,
            };
            var chosen = TorchNativeLibrary.TrainingConvolutionLayout;
            double[] best;
            try
            {
                best = BestOfInterleaved(step, steps,
                    layouts.Select(l => (Action)(() => TorchNativeLibrary.TrainingLayoutOverride = l)).ToArray());
            }
            finally
            {
                TorchNativeLibrary.TrainingLayoutOverride = null;
            }
            Console.WriteLine($"Training step by convolution layout (training uses {chosen} in this process), best " +
                "of 5 interleaved rounds (ms per step):");
            Console.WriteLine("| standard (NCHW) | channels-last | channels-last, one-channel input padded | " +
                "channels-last / standard |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine($"| {best[0]:F3} | {best[1]:F3} | {best[2]:F3} | {best[1] / best[0]:F2} |");
        }

        // The step timed after each setting in turn, 5 rounds, the best round of each: this machine's noise only ever
        // adds time, and comes in spells that would otherwise fall on one setting.
        private static double[] BestOfInterleaved(Action step, int steps, params Action[] settings)
        {
            var best = settings.Select(_ => double.PositiveInfinity).ToArray();
            for (int round = 0; round < 5; round++)
                for (int i = 0; i < settings.Length; i++)
                {
                    settings[i]();
                    for (int warm = 0; warm < 3; warm++) step();
                    var watch = Stopwatch.StartNew();
                    for (int n = 0; n < steps; n++) step();
                    best[i] = Math.Min(best[i], watch.Elapsed.TotalMilliseconds / steps);
                }
            return best;
        }

        /// <summary>
        /// Batch-256 scoring (eval, no_grad) split into the network's convolutions, each timed alone, and the rest.
        /// </summary>
        private static void ProfileInference(StNetwork net, int steps)
        {
            net.eval();
            using var noGrad = no_grad();
            using var x = rand(256, 1, 28, 28);
            // Each convolution's input, recorded from one forward pass.
            var convolutions = net.modules().OfType<TorchSharp.Modules.Convolution>().ToList();
            var inputs = new System.Collections.Generic.Dictionary<TorchSharp.Modules.Convolution, Tensor>();
            var hooks = convolutions.Select(c => c.register_forward_pre_hook((module, input) =>
            {
                // kept past the pass's scope, disposed at the end
                inputs[c] = input.detach().clone().DetachFromDisposeScope();
                return input;
            })).ToList();
            using (NewDisposeScope()) net.call(x);
            foreach (var hook in hooks) hook.remove();
            double Time(Action step)
            {
                double best = double.PositiveInfinity;
                for (int i = 0; i < 3; i++) step();
                for (int round = 0; round < 5; round++)
                {
                    var watch = Stopwatch.StartNew();
                    for (int i = 0; i < steps; i++) step();
                    best = Math.Min(best, watch.Elapsed.TotalMilliseconds / steps);
                }
                return best;
            }
            double whole = Time(() => { using var scope = NewDisposeScope(); net.call(x); });
            var st = net.Transformers.Single();
            double localisation = Time(() => { using var scope = NewDisposeScope(); st.Localisation.call(x); });
            double transformer = Time(() => { using var scope = NewDisposeScope(); st.call(x); });
            Console.WriteLine("Tutorial ST-CNN scoring, batch 256, eval under no_grad, best of 5 rounds of " +
                $"{steps} calls (ms per call):");
            Console.WriteLine("| piece | ms | share of the forward |");
            Console.WriteLine("|---|---|---|");
            double convolutionTotal = 0;
            foreach (var c in convolutions)
            {
                var input = inputs[c];
                double ms = Time(() => { using var scope = NewDisposeScope(); c.call(input); });
                convolutionTotal += ms;
                Console.WriteLine($"| convolution {c.in_channels}->{c.out_channels}, " +
                    $"{c.kernel_size[0]}x{c.kernel_size[1]} on {input.shape[2]}x{input.shape[3]} | {ms:F3} " +
                    $"| {100 * ms / whole:F0}% |");
            }
            Console.WriteLine("| everything else (pooling, ReLU, linear layers, grid, sampler, softmax) | " +
                $"{whole - convolutionTotal:F3} | {100 * (whole - convolutionTotal) / whole:F0}% |");
            Console.WriteLine($"| localisation net (its convolutions included) | {localisation:F3} | " +
                $"{100 * localisation / whole:F0}% |");
            Console.WriteLine($"| grid + sampler (ST forward - localisation) | {transformer - localisation:F3} | " +
                $"{100 * (transformer - localisation) / whole:F0}% |");
            Console.WriteLine($"| classifier (forward - ST forward) | {whole - transformer:F3} | " +
                $"{100 * (whole - transformer) / whole:F0}% |");
            Console.WriteLine($"| whole forward | {whole:F3} | 100% |");
            foreach (var input in inputs.Values) input.Dispose();
        }
    }
}
