using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// An image classifier with spatial transformers, built from <see cref="StNetworkOptions"/>: input [N,C,H,W] ->
    /// logits [N,K]. Input STs: each of P parallel STs warps the input for its own classifier branch, branch features
    /// are concatenated, one linear head. Series STs: one before each of the first k stages of a single branch.
    /// </summary>
    public sealed class StNetwork : Module<Tensor, Tensor>
    {
        // null: InputNormalization.None (and models saved before it)
        private readonly InputNormalisation input_normalisation;
        private readonly SpatialTransformerParallel input_transformers; // null: none at the input (baseline or series)
        private readonly ModuleList<ClassifierFeatures> branches;
        private readonly SpatialTransformerSeries series;                 // null unless SeriesTransformers > 0
        private readonly Module<Tensor, Tensor> downsample;
        private readonly Linear head;

        /// <summary>Builds the network <paramref name="options"/> describes, with fresh (unseeded) weights.</summary>
        /// <param name="options">The architecture; checked by <see cref="StNetworkOptions.Validate"/>.</param>
        public StNetwork(StNetworkOptions options) : base(nameof(StNetwork))
        {
            options.Validate();
            Options = options;
            var o = options;
            long c = o.InputChannels, h = o.InputHeight, w = o.InputWidth;
            long stH = o.TransformOutputHeight > 0 ? o.TransformOutputHeight : h;
            long stW = o.TransformOutputWidth > 0 ? o.TransformOutputWidth : w;
            downsample = o.DownsampleAfterTransform && o.Transform != SpatialTransformKind.None ? AvgPool2d(2)
                : Identity();
            long featH = o.DownsampleAfterTransform && o.Transform != SpatialTransformKind.None ? stH / 2 : stH;
            long featW = o.DownsampleAfterTransform && o.Transform != SpatialTransformKind.None ? stW / 2 : stW;

            if (o.InputNormalization == InputNormalization.PerChannelMeanStd)
                input_normalisation = new InputNormalisation(c);
            long side = o.FullyConnectedInputSide;

            var featureList = new List<ClassifierFeatures>();
            if (o.Transform == SpatialTransformKind.None)
            {
                featureList.Add(new ClassifierFeatures(o.Classifier, c, h, w, o.ClassifierWidths, o.Dropout,
                    o.BatchNorm, side));
            }
            else if (o.SeriesTransformers > 0)
            {
                // The first ST keeps the input size so every stage sees the shapes it was built for.
                var trunk = new ClassifierFeatures(o.Classifier, c, h, w, o.ClassifierWidths, o.Dropout,
                    o.BatchNorm, side);
                series = SpatialTransformerSeries.Create(trunk, o.SeriesTransformers, o.Transform, o.Localisation,
                    o.LocalisationWidths, o.TpsGridSize, o.Sampling, o.Padding, side);
                featureList.Add(trunk);
            }
            else
            {
                var sts = Enumerable.Range(0, o.ParallelTransformers)
                    .Select(_ => new SpatialTransformerModule(o.Transform, c, h, w,
                    o.Localisation, o.LocalisationWidths, stH, stW, o.TpsGridSize, o.Sampling, o.Padding,
                    fullyConnectedInputSide: side)).ToArray();
                input_transformers = new SpatialTransformerParallel(sts);
                for (int i = 0; i < o.ParallelTransformers; i++)
                    featureList.Add(new ClassifierFeatures(o.Classifier, c, featH, featW, o.ClassifierWidths, o.Dropout,
                        o.BatchNorm, side));
            }
            branches = ModuleList(featureList.ToArray());
            head = Linear(featureList.Sum(f => f.FeatureSize), o.Classes);
            RegisterComponents();
        }

        /// <summary>The architecture this network was built from.</summary>
        public StNetworkOptions Options { get; }

        /// <summary>Whether <see cref="System.IDisposable.Dispose"/> has freed the network's native state.</summary>
        public bool IsDisposed { get; private set; }

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            IsDisposed = true;
            base.Dispose(disposing);
        }

        // The structure, for exporters (ONNX) that walk the network.
        internal SpatialTransformerParallel InputTransformers => input_transformers;
        /// <summary>
        /// The input's per-channel scaling (null when <see cref="StNetworkOptions.InputNormalization"/> is None).
        /// </summary>
        public InputNormalisation InputNormalisation => input_normalisation;
        internal IReadOnlyList<ClassifierFeatures> Branches => branches.ToList();
        internal SpatialTransformerSeries Series => series;
        internal Module<Tensor, Tensor> Downsample => downsample;
        internal Linear Head => head;

        /// <summary>Number of spatial transformers (input and series).</summary>
        public int TransformerCount => (input_transformers?.Count ?? 0) + (series?.Count ?? 0);

        /// <summary>Every spatial transformer, input ones first.</summary>
        public IEnumerable<SpatialTransformerModule> Transformers =>
            Enumerable.Range(0, input_transformers?.Count ?? 0).Select(i => input_transformers[i])
                .Concat(Enumerable.Range(0, series?.Count ?? 0).Select(i => series[i]));

        /// <summary>Parameters of every localisation network (trained at their own learning rate).</summary>
        public IEnumerable<Parameter> LocalisationParameters()
            => Transformers.SelectMany(t => t.Localisation.parameters());

        /// <summary>input [N,C,H,W] -> class logits [N,K].</summary>
        public override Tensor forward(Tensor input) => ForwardWithThetas(input).Logits;

        /// <summary>input [N,C,H,W] -> logits [N,K] and each ST's theta [N,P], input STs first.</summary>
        public (Tensor Logits, Tensor[] Thetas) ForwardWithThetas(Tensor input)
        {
            using var scope = NewDisposeScope();
            if (input_normalisation is not null) input = input_normalisation.call(input); // [N,C,H,W]
            Tensor features;
            Tensor[] thetas;
            if (series is not null)
            {
                (features, thetas) = series.call(input);
            }
            else if (input_transformers is not null)
            {
                var (outputs, inputThetas) = input_transformers.call(input);
                features = outputs.Length == 1
                    ? branches[0].call(downsample.call(outputs[0])) // [N,F]
                    : cat(outputs.Select((x, i) => branches[i].call(downsample.call(x))).ToArray(), 1); // [N,sum F]
                thetas = inputThetas;
            }
            else
            {
                features = branches[0].call(input);
                thetas = new Tensor[0];
            }
            var logits = head.call(features);                                                                  // [N,K]
            return (logits.MoveToOuterDisposeScope(), thetas.Select(t => t.MoveToOuterDisposeScope()).ToArray());
        }
    }
}
