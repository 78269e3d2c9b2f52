using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Trainers;
using static TorchSharp.torch;

namespace Stn.Benchmarks
{
    /// <summary>
    /// Where a single-image prediction (batch 1, eval, no_grad) of the tutorial ST-CNN spends its time: the bare
    /// TorchSharp network, the library's network and its pieces, the model's Predict (tensor in, probabilities out) and
    /// ML.NET's PredictionEngine around it, through each scoring engine.
    /// </summary>
    internal static class LatencyProfile
    {
        public static void Run(int calls)
        {
            var ml = new MLContext(seed: 0);
            var random = new Random(0);
            var model = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Transform = SpatialTransformKind.Affine,
                Localisation = LocalisationNetworkKind.Tutorial, Classifier = ClassifierKind.Tutorial, MaxEpochs = 1,
                BatchSize = 64,
            }).Fit(ml.Data.LoadFromEnumerable(RandomDigits.Make(random, 128)));
            var parameters = model.Model;
            var net = parameters.TorchNetwork;
            var st = net.Transformers.Single();
            using var bare = new BareTutorialStCnn();
            bare.eval();
            var inputs = RandomDigits.Make(random, 16);
            var engine = ml.Model.CreatePredictionEngine<RandomDigits.Row, RandomDigits.ScoreOnly>(model);
            using var noGrad = no_grad();
            using var x = rand(1, 1, 28, 28);
            using var theta = st.Localisation.call(x);
            using var grid = st.Generator.call(theta);
            using var warped = st.Sampler.call(x, grid);
            var probabilities = new float[10];
            int next = 0;
            var pieces = new (string Name, Action Call)[]
            {
                ("bare TorchSharp network", () => { using var scope = NewDisposeScope(); bare.call(x); }),
                ("library network (StNetwork)", () => { using var scope = NewDisposeScope(); net.call(x); }),
                ("  localisation net", () => { using var scope = NewDisposeScope(); st.Localisation.call(x); }),
                ("  grid generator", () => { using var scope = NewDisposeScope(); st.Generator.call(theta); }),
                ("  sampler", () => { using var scope = NewDisposeScope(); st.Sampler.call(x, grid); }),
                ("  classifier branch + head",
                    () => { using var scope = NewDisposeScope(); net.Head.call(net.Branches[0].call(warped)); }),
                ("model Predict (array in, probabilities out), TorchSharp", () =>
                    { parameters.ScoringEngine = ScoringEngine.TorchSharp;
                        parameters.PredictOne(inputs[next++ % inputs.Length].Pixels, probabilities); }),
                ("model Predict (array in, probabilities out), ONNX Runtime", () =>
                    { parameters.ScoringEngine = ScoringEngine.OnnxRuntime;
                        parameters.PredictOne(inputs[next++ % inputs.Length].Pixels, probabilities); }),
                ("PredictionEngine.Predict, TorchSharp", () =>
                    { parameters.ScoringEngine = ScoringEngine.TorchSharp;
                        engine.Predict(inputs[next++ % inputs.Length]); }),
                ("PredictionEngine.Predict, ONNX Runtime", () =>
                    { parameters.ScoringEngine = ScoringEngine.OnnxRuntime;
                        engine.Predict(inputs[next++ % inputs.Length]); }),
            };
            var best = pieces.ToDictionary(p => p.Name, _ => double.PositiveInfinity);
            foreach (var (_, call) in pieces) for (int i = 0; i < BareTorchSharpSpeed.LatencyWarmUp; i++) call();
            for (int round = 0; round < 5; round++)
                foreach (var (name, call) in pieces)
                {
                    var watch = Stopwatch.StartNew();
                    for (int i = 0; i < calls; i++) call();
                    best[name] = Math.Min(best[name], watch.Elapsed.TotalMilliseconds / calls);
                }
            Console.WriteLine("Tutorial ST-CNN single-image prediction, eval under no_grad, best of 5 interleaved " +
                $"rounds of {calls} calls (ms per call):");
            Console.WriteLine("| piece | ms |");
            Console.WriteLine("|---|---|");
            foreach (var (name, _) in pieces) Console.WriteLine($"| {name} | {best[name]:F4} |");
            model.Model.TorchNetwork.Dispose();
        }
    }
}
