using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The tutorial ST-CNN timed as a bare TorchSharp loop, with the PyTorch script's protocol step for step.
    /// </summary>
    internal static class BareTorchSharpSpeed
    {
        /// <summary>Single-image calls before latency is timed, in both .NET contenders.</summary>
        public const int LatencyWarmUp = 2000;

        public static SpeedFigures Measure(int steps)
        {
            manual_seed(0);
            using var net = new BareTutorialStCnn();
            using var optimizer = optim.SGD(net.parameters(), 0.01);
            using var x = rand(64, 1, 28, 28);
            using var y = randint(0, 10, new long[] { 64 });
            net.train();
            for (int i = 0; i < 5; i++) Step(net, optimizer, x, y);
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) Step(net, optimizer, x, y);
            double train = steps * 64 / watch.Elapsed.TotalSeconds;

            net.eval();
            double infer, latency;
            using (no_grad())
            {
                using var xb = rand(256, 1, 28, 28);
                using (net.call(xb)) { }
                watch.Restart();
                for (int i = 0; i < 20; i++) using (net.call(xb)) { }
                infer = 20 * 256 / watch.Elapsed.TotalSeconds;
                using var x1 = rand(1, 1, 28, 28);
                // .NET's tiered JIT runs new code unoptimised for its first calls; warm up to steady state
                // (CPython, the reference, has no JIT, so its single warm-up call is steady state already).
                for (int i = 0; i < LatencyWarmUp; i++) using (net.call(x1)) { }
                watch.Restart();
                for (int i = 0; i < 500; i++) using (net.call(x1)) { }
                latency = watch.Elapsed.TotalMilliseconds / 500;
            }
            return new SpeedFigures("TorchSharp (bare loop)", train, infer, latency, SpeedFigures.PeakResidentMiB());
        }

        private static void Step(BareTutorialStCnn net, TorchSharp.Modules.SGD optimizer, Tensor x, Tensor y)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.nll_loss(net.call(x), y).backward();
            optimizer.step();
        }
    }
}
