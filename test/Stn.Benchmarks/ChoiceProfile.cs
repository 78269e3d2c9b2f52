using System;
using System.Diagnostics;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The library's choices against the plain TorchSharp / ATen call each replaces, timed side by side: copying a
    /// batch into a tensor, 2x2 max pooling without gradients, the affine grid with its backward, and single images on
    /// the calling thread alone against shared threads for a small and a large network.
    /// </summary>
    internal static class ChoiceProfile
    {
        public static void Run(int calls)
        {
            Console.WriteLine("The library's way against the plain call it replaces, best of 5 rounds of " +
                $"{calls} calls (ms per call):");
            Console.WriteLine("| operation | library | plain | plain / library |");
            Console.WriteLine("|---|---|---|---|");
            void Line(string name, Action library, Action plain)
            {
                double ours = Best(library, calls), theirs = Best(plain, calls);
                Console.WriteLine($"| {name} | {ours:F3} | {theirs:F3} | {theirs / ours:F1}x |");
            }

            var pixels = new float[256 * 784];
            Line("256 images from a float[] into a tensor (HostTensors vs torch.tensor)",
                () => { using var t = HostTensors.FromSpan(pixels, new long[] { 256, 1, 28, 28 }); },
                () => { using var t = tensor(pixels, new long[] { 256, 1, 28, 28 }); });

            using (no_grad())
            {
                // [256,10,24,24], channels-last as a convolution leaves them
                using var maps = rand(256, 24, 24, 10).permute(0, 3, 1, 2);
                using var pool = new MaxPool2x2();
                Line("2x2 max pooling of [256,10,24,24] channels-last, no gradient (MaxPool2x2 vs max_pool2d)",
                    () => { using var scope = NewDisposeScope(); pool.call(maps); },
                    () => { using var scope = NewDisposeScope(); nn.functional.max_pool2d(maps, 2); });
            }

            using var generator = new GridGenerator(SpatialTransformKind.Affine, 28, 28);
            using var theta = (rand(64, 6) * 0.1f + tensor(new float[] { 1, 0, 0, 0, 1, 0 })).requires_grad_();
            Line("affine grid of 64 thetas, 28x28, forward and backward (GridGenerator vs affine_grid)",
                () => { using var scope = NewDisposeScope(); generator.call(theta).sum().backward(); },
                () => { using var scope = NewDisposeScope(); nn.functional.affine_grid(theta.view(-1, 2, 3),
                    new long[] { 64, 1, 28, 28 }, align_corners: false).sum().backward(); });

            foreach (var (name, options) in new[]
            {
                ("tutorial ST-CNN, 1x28x28", new StNetworkOptions { InputChannels = 1, InputHeight = 28,
                    InputWidth = 28, Classes = 10, Transform = SpatialTransformKind.Affine,
                    Localisation = LocalisationNetworkKind.Tutorial, Classifier = ClassifierKind.Tutorial }),
                ("default ST-CNN, 1x60x60", new StNetworkOptions { InputChannels = 1, InputHeight = 60, InputWidth = 60,
                    Classes = 10, Transform = SpatialTransformKind.Affine }),
            })
            {
                using var net = new StNetwork(options);
                net.eval();
                using var noGrad = no_grad();
                using var x = rand(1, 1, options.InputHeight, options.InputWidth);
                Line($"one image through the {name}, calling thread alone vs shared threads",
                    () => { using var alone = CallingThreadParallelism.SingleThreaded();
                        using var scope = NewDisposeScope(); net.call(x); },
                    () => { using var scope = NewDisposeScope(); net.call(x); });
            }
        }

        private static double Best(Action call, int calls)
        {
            for (int i = 0; i < Math.Max(3, calls / 5); i++) call();
            double best = double.PositiveInfinity;
            for (int round = 0; round < 5; round++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++) call();
                best = Math.Min(best, watch.Elapsed.TotalMilliseconds / calls);
            }
            return best;
        }
    }
}
