using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// A localisation network: input [N,C,H,W] -> theta [N,P]. A trunk of the chosen kind (flatten size inferred from
    /// the input shape) followed by a <see cref="RegressionHead"/> initialised to the identity transform. The
    /// convolutional trunks can pool their last feature map to a fixed side before the fully connected layer
    /// (<see cref="FixedSizePool"/>), so that layer does not grow with the image.
    /// </summary>
    public sealed class LocalisationNetwork : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> trunk;
        private readonly RegressionHead head;

        /// <param name="kind">Trunk architecture.</param>
        /// <param name="channels">Input channels C.</param>
        /// <param name="height">Input height H.</param>
        /// <param name="width">Input width W.</param>
        /// <param name="identityParameters">Identity theta [P] of the transform kind the network regresses.</param>
        /// <param name="widths">Fcn: hidden layer widths (default 32, 32, 32). Cnn: filters 1, filters 2, FC width
        /// (default 20, 20, 20). Tutorial: filters 1, filters 2, FC width (default 8, 10, 32).</param>
        /// <param name="fullyConnectedInputSide">Cnn and Tutorial: the last feature map is average-pooled to at most
        /// this side before the fully connected layer; 0 (default): no pooling. The Fcn trunk is not pooled.</param>
        public LocalisationNetwork(LocalisationNetworkKind kind, long channels, long height, long width,
            float[] identityParameters, IReadOnlyList<int> widths = null, long fullyConnectedInputSide = 0)
            : base($"{kind}LocalisationNetwork")
        {
            ShapeInference.CheckPositive(channels, nameof(channels));
            Kind = kind;
            if (fullyConnectedInputSide < 0)
                throw new ArgumentException(
                    $"fullyConnectedInputSide must be 0 (off) or positive; got {fullyConnectedInputSide}.",
                    nameof(fullyConnectedInputSide));
            var w = Widths(kind, widths);
            var layers = kind switch
            {
                LocalisationNetworkKind.Fcn => null,
                LocalisationNetworkKind.Cnn => new List<Module<Tensor, Tensor>> {
                    new MaxPool2x2(), new SafeConv2d(channels, w[0], 5, 2), ReLU(), new MaxPool2x2(),
                    new SafeConv2d(w[0], w[1], 5, 2), ReLU() },
                LocalisationNetworkKind.Tutorial => new List<Module<Tensor, Tensor>> {
                    new SafeConv2d(channels, w[0], 7), new MaxPool2x2(), ReLU(),
                    new SafeConv2d(w[0], w[1], 5), new MaxPool2x2(), ReLU() },
                _ => throw new ArgumentException($"kind must be Fcn, Cnn or Tutorial; got {kind}.", nameof(kind)),
            };
            long minimum = kind switch { LocalisationNetworkKind.Cnn => 4,
                LocalisationNetworkKind.Tutorial => 20, _ => 1 };
            string network = $"The {kind} localisation network";
            if (layers is null)
            {
                trunk = Fcn(channels * height * width, w);
            }
            else
            {
                var map = ShapeInference.OutputShape(Sequential(layers), channels, height, width, network, minimum);
                // map: [1,F,h,w]
                if (FixedSizePool.Needed(fullyConnectedInputSide, map[2], map[3]))
                    layers.Add(new FixedSizePool(fullyConnectedInputSide, map[2], map[3]));
                layers.Add(Flatten());
                trunk = Sequential(layers);
            }
            long flat = ShapeInference.FlatSize(trunk, channels, height, width, network, minimum);
            if (kind != LocalisationNetworkKind.Fcn)
            {
                // The convolutional trunks end in one fully connected layer before the regression.
                trunk = Sequential(trunk, Linear(flat, w[2]), ReLU());
                flat = w[2];
            }
            head = new RegressionHead(flat, identityParameters);
            RegisterComponents();
        }

        /// <summary>The trunk architecture.</summary>
        public LocalisationNetworkKind Kind { get; }

        internal Module<Tensor, Tensor> Trunk => trunk;
        internal RegressionHead Head => head;

        /// <summary>input [N,C,H,W] -> theta [N,P].</summary>
        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return head.call(trunk.call(input)).MoveToOuterDisposeScope(); // [N,P]
        }

        /// <summary>
        /// The default widths of <paramref name="kind"/> where <paramref name="widths"/> is null or empty.
        /// </summary>
        public static int[] Widths(LocalisationNetworkKind kind, IReadOnlyList<int> widths)
        {
            int[] w = widths is { Count: > 0 } ? widths.ToArray() : kind switch
            {
                LocalisationNetworkKind.Fcn => new[] { 32, 32, 32 },
                LocalisationNetworkKind.Cnn => new[] { 20, 20, 20 },
                _ => new[] { 8, 10, 32 },
            };
            if (kind != LocalisationNetworkKind.Fcn && w.Length != 3)
                throw new ArgumentException($"widths of a {kind} localisation network are filters 1, filters 2 and " +
                    $"FC width; got {w.Length} value(s).", nameof(widths));
            foreach (int v in w) ShapeInference.CheckPositive(v, nameof(widths));
            return w;
        }

        private static Module<Tensor, Tensor> Fcn(long inputSize, int[] widths)
        {
            var layers = new List<Module<Tensor, Tensor>> { Flatten() };
            long previous = inputSize;
            foreach (int w in widths)
            {
                layers.Add(Linear(previous, w));
                layers.Add(ReLU());
                previous = w;
            }
            return Sequential(layers);
        }
    }
}
