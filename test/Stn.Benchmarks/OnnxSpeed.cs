using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Onnx;
using static TorchSharp.torch;

namespace Stn.Benchmarks
{
    /// <summary>
    /// Scoring the tutorial ST-CNN with TorchSharp and with ONNX Runtime on its ONNX export, same threads, side by
    /// side.
    /// </summary>
    internal static class OnnxSpeed
    {
        public static int Run(int threads)
        {
            set_num_threads(threads);
            manual_seed(0);
            using var net = new StNetwork(new StNetworkOptions { Localisation = LocalisationNetworkKind.Tutorial,
                Classifier = ClassifierKind.Tutorial });
            net.eval();
            using var stream = new MemoryStream();
            StNetworkOnnxExporter.Export(net, stream);
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(stream.ToArray(), options);
            var random = new Random(0);
            float[] Pixels(int n) => Enumerable.Range(0, n * 784).Select(_ => (float)random.NextDouble()).ToArray();
            var batch = Pixels(256);
            var single = Pixels(1);

            double Time(Action action, int repeats, int warmUp)
            {
                for (int i = 0; i < warmUp; i++) action();
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < repeats; i++) action();
                return watch.Elapsed.TotalMilliseconds / repeats;
            }

            // As the library's model scores: block copies in and out, a single MNIST-sized image on the calling thread
            // alone.
            var threading = new Microsoft.ML.SpatialTransformer.Native.SingleImageThreading(28 * 28);
            var probabilities = new float[256 * 10];
            void TorchCore(float[] pixels, int n)
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var x = Microsoft.ML.SpatialTransformer.Native.HostTensors.FromSpan(pixels,
                    new long[] { n, 1, 28, 28 });
                Microsoft.ML.SpatialTransformer.Native.HostTensors.CopyTo(nn.functional.softmax(net.call(x), 1),
                    probabilities);
            }
            void Torch(float[] pixels, int n)
            {
                if (n == 1) threading.Run(() => TorchCore(pixels, 1));
                else TorchCore(pixels, n);
            }

            void Ort(float[] pixels, int n)
            {
                using var results =
                    session.Run(new[] { NamedOnnxValue.CreateFromTensor("image",
                        new DenseTensor<float>(pixels, new[] { n, 1, 28, 28 })) });
                results.First(r => r.Name == "probabilities").AsTensor<float>().ToArray();
            }

            // .NET's tiered JIT needs its first calls before code is optimised, for both runtimes' wrappers alike.
            double torchBatch = Time(() => Torch(batch, 256), 20, 3), ortBatch = Time(() => Ort(batch, 256), 20, 3);
            int warmUp = BareTorchSharpSpeed.LatencyWarmUp;
            double torchOne = Time(() => Torch(single, 1), 500, warmUp),
                ortOne = Time(() => Ort(single, 1), 500, warmUp);
            Console.WriteLine($"Tutorial ST-CNN scoring, {threads} threads: batch 256 images/s " +
                "and single-image latency.");
            Console.WriteLine("| runtime | infer img/s (b256) | latency ms (b1) |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| TorchSharp | {256_000 / torchBatch:F0} | {torchOne:F3} |");
            Console.WriteLine($"| ONNX Runtime {OrtEnv.Instance().GetVersionString()} | {256_000 / ortBatch:F0} " +
                $"({torchBatch / ortBatch:F2}x) | {ortOne:F3} ({torchOne / ortOne:F2}x) |");
            return 0;
        }
    }
}
