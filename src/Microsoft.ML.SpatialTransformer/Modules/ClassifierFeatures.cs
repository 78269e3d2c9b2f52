using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// The feature extractor of a classifier network: input [N,C,H,W] -> features [N,F]. A linear head on top makes the
    /// classifier; parallel branches concatenate their features before one head. The CNN is split into stages (conv +
    /// pool) so spatial transformers can sit before any of them. The convolutional kinds can pool their last feature
    /// map to a fixed side before flattening (<see cref="FixedSizePool"/>), so the features (and the head) stop
    /// growing with the image.
    /// </summary>
    public sealed class ClassifierFeatures : Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.ModuleList<Module<Tensor, Tensor>> stages;
        private readonly Module<Tensor, Tensor> tail;

        /// <param name="kind">Architecture.</param>
        /// <param name="channels">Input channels C.</param>
        /// <param name="height">Input height H.</param>
        /// <param name="width">Input width W.</param>
        /// <param name="widths">Fcn: hidden widths (default 128, 128). Cnn: filters per conv (default 32, 64).
        /// Tutorial: conv 1 filters, conv 2 filters, FC width (default 10, 20, 50).</param>
        /// <param name="dropout">Dropout rate (Tutorial: its dropout layers; others: before the head), 0 for
        /// none.</param>
        /// <param name="batchNorm">Batch normalisation after each convolution of the Cnn.</param>
        /// <param name="fullyConnectedInputSide">Cnn and Tutorial: the last feature map is average-pooled to at most
        /// this side before it is flattened; 0 (default): no pooling. The Fcn is not pooled.</param>
        public ClassifierFeatures(ClassifierKind kind, long channels, long height, long width,
            IReadOnlyList<int> widths = null, double dropout = 0, bool batchNorm = false,
            long fullyConnectedInputSide = 0)
            : base($"{kind}Features")
        {
            ShapeInference.CheckPositive(channels, nameof(channels));
            if (dropout < 0 || dropout >= 1)
                throw new ArgumentException($"dropout must be in [0, 1); got {dropout}.", nameof(dropout));
            if (fullyConnectedInputSide < 0)
                throw new ArgumentException(
                    $"fullyConnectedInputSide must be 0 (off) or positive; got {fullyConnectedInputSide}.",
                    nameof(fullyConnectedInputSide));
            Kind = kind;
            var w = Widths(kind, widths);
            var stageList = new List<Module<Tensor, Tensor>>();
            switch (kind)
            {
                case ClassifierKind.Fcn:
                {
                    var layers = new List<Module<Tensor, Tensor>> { Flatten() };
                    long previous = channels * height * width;
                    foreach (int v in w) { layers.Add(Linear(previous, v)); layers.Add(ReLU()); previous = v; }
                    if (dropout > 0) layers.Add(new SeededDropout(dropout));
                    stageList.Add(Sequential(layers));
                    tail = Identity();
                    break;
                }
                case ClassifierKind.Cnn:
                {
                    int[] kernels = { 9, 7 };
                    long previous = channels;
                    for (int i = 0; i < w.Length; i++)
                    {
                        int k = kernels[Math.Min(i, kernels.Length - 1)];
                        var layers = new List<Module<Tensor, Tensor>> { new SafeConv2d(previous, w[i], k, k / 2) };
                        if (batchNorm) layers.Add(BatchNorm2d(w[i]));
                        layers.Add(ReLU());
                        layers.Add(new MaxPool2x2());
                        stageList.Add(Sequential(layers));
                        previous = w[i];
                    }
                    var pool = Pool(stageList, fullyConnectedInputSide, channels, height, width, kind, 1L << w.Length);
                    tail = pool is null
                        ? (dropout > 0 ? Sequential(Flatten(), new SeededDropout(dropout)) : Flatten())
                        : (dropout > 0
                            ? Sequential(pool, Flatten(), new SeededDropout(dropout))
                            : Sequential(pool, Flatten()));
                    break;
                }
                case ClassifierKind.Tutorial:
                {
                    stageList.Add(Sequential(new SafeConv2d(channels, w[0], 5), new MaxPool2x2(), ReLU()));
                    stageList.Add(Sequential(new SafeConv2d(w[0], w[1], 5),
                        new SeededDropout(dropout > 0 ? dropout : 0.5, channels: true), new MaxPool2x2(), ReLU()));
                    var pool = Pool(stageList, fullyConnectedInputSide, channels, height, width, kind, 16);
                    tail = pool is null ? Flatten() : Sequential(pool, Flatten()); // the FC layer is appended below
                    break;
                }
                default:
                    throw new ArgumentException($"kind must be Fcn, Cnn or Tutorial; got {kind}.", nameof(kind));
            }
            stages = ModuleList(stageList.ToArray());
            long minimum = kind switch { ClassifierKind.Cnn => 1L << w.Length, ClassifierKind.Tutorial => 16, _ => 1 };
            var body = Sequential(stageList.Append(tail));
            FeatureSize = ShapeInference.FlatSize(body, channels, height, width, $"The {kind} classifier", minimum);
            if (kind == ClassifierKind.Tutorial)
            {
                tail = Sequential(tail, Linear(FeatureSize, w[2]), ReLU(),
                    new SeededDropout(dropout > 0 ? dropout : 0.5));
                FeatureSize = w[2];
            }
            RegisterComponents();
            StageInputShapes = StageShapes(channels, height, width);
        }

        /// <summary>The architecture.</summary>
        public ClassifierKind Kind { get; }

        internal IReadOnlyList<Module<Tensor, Tensor>> Stages => stages.ToList();
        internal Module<Tensor, Tensor> Tail => tail;

        /// <summary>F, the number of features per sample.</summary>
        public long FeatureSize { get; }

        /// <summary>Number of stages (the CNN's conv blocks; 1 for the FCN).</summary>
        public int StageCount => stages.Count;

        /// <summary>[C,H,W] entering each stage, for localisation networks placed before a stage.</summary>
        public IReadOnlyList<long[]> StageInputShapes { get; }

        /// <summary>input [N,C,H,W] -> features [N,F].</summary>
        public override Tensor forward(Tensor input) => Forward(input, null);

        /// <summary>
        /// Runs the stages, calling <paramref name="beforeStage"/>(stage index, x) before each to transform x.
        /// </summary>
        public Tensor Forward(Tensor input, Func<int, Tensor, Tensor> beforeStage)
        {
            using var scope = NewDisposeScope();
            var x = input;
            for (int i = 0; i < stages.Count; i++)
            {
                if (beforeStage is not null) x = beforeStage(i, x);
                x = stages[i].call(x);
            }
            return tail.call(x).MoveToOuterDisposeScope(); // [N,F]
        }

        // A pooling of the last stage's output to the fixed side, or null where that map is no larger (or side is 0).
        private static FixedSizePool Pool(List<Module<Tensor, Tensor>> stageList, long side, long channels, long height,
            long width, ClassifierKind kind, long minimum)
        {
            if (side == 0) return null;
            var map = ShapeInference.OutputShape(Sequential(stageList), channels, height, width,
                $"The {kind} classifier", minimum);                                                        // [1,F,h,w]
            return FixedSizePool.Needed(side, map[2], map[3]) ? new FixedSizePool(side, map[2], map[3]) : null;
        }

        /// <summary>
        /// The default widths of <paramref name="kind"/> where <paramref name="widths"/> is null or empty.
        /// </summary>
        public static int[] Widths(ClassifierKind kind, IReadOnlyList<int> widths)
        {
            int[] w = widths is { Count: > 0 } ? widths.ToArray() : kind switch
            {
                ClassifierKind.Fcn => new[] { 128, 128 },
                ClassifierKind.Cnn => new[] { 32, 64 },
                _ => new[] { 10, 20, 50 },
            };
            if (kind == ClassifierKind.Tutorial && w.Length != 3)
                throw new ArgumentException("widths of the Tutorial classifier are conv 1 filters, conv 2 filters " +
                    $"and FC width; got {w.Length} value(s).", nameof(widths));
            foreach (int v in w) ShapeInference.CheckPositive(v, nameof(widths));
            return w;
        }

        private List<long[]> StageShapes(long channels, long height, long width)
        {
            var shapes = new List<long[]>();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            bool wasTraining = training;
            eval();
            var x = zeros(1, channels, height, width);
            foreach (var stage in stages)
            {
                shapes.Add(x.shape.Skip(1).ToArray());
                x = stage.call(x);
            }
            if (wasTraining) train();
            return shapes;
        }
    }
}
