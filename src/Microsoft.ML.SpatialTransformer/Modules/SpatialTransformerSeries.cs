using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Spatial transformers in series inside a classifier trunk: one before each of the first k stages of a
    /// <see cref="ClassifierFeatures"/>, each with its own localisation network on that stage's input (the paper's SVHN
    /// "multi" model: an ST before each of the first 4 conv layers, FC32-FC32 localisation on feature maps).
    /// input [N,C,H,W] -> (features [N,F], thetas[k] [N,P]).
    /// </summary>
    public sealed class SpatialTransformerSeries : nn.Module<Tensor, (Tensor Features, Tensor[] Thetas)>
    {
        private readonly ClassifierFeatures features;
        private readonly TorchSharp.Modules.ModuleList<SpatialTransformerModule> transformers;

        /// <param name="features">The trunk; it must have at least as many stages as <paramref
        /// name="transformers"/>.</param>
        /// <param name="transformers">The ST before stage 0, 1, ...; each keeps its stage input's size and
        /// channels.</param>
        public SpatialTransformerSeries(ClassifierFeatures features,
            IReadOnlyList<SpatialTransformerModule> transformers)
            : base(nameof(SpatialTransformerSeries))
        {
            if (transformers is null || transformers.Count == 0 || transformers.Count > features.StageCount)
                throw new ArgumentException(
                    $"transformers must number 1 to {features.StageCount} (the trunk's stages); got " +
                    $"{transformers?.Count ?? 0}.", nameof(transformers));
            for (int i = 0; i < transformers.Count; i++)
            {
                var shape = features.StageInputShapes[i];
                var st = transformers[i];
                if (st.InputChannels != shape[0] || st.OutputHeight != shape[1] || st.OutputWidth != shape[2])
                    throw new ArgumentException(
                        $"transformer {i} must map [{shape[0]}, H, W] to [{string.Join(", ", shape)}] (stage {i}'s " +
                        $"input); got {st.InputChannels} channel(s) to {st.OutputHeight}x{st.OutputWidth}.",
                        nameof(transformers));
            }
            this.features = features;
            this.transformers = nn.ModuleList(transformers.ToArray());
            RegisterComponents();
        }

        /// <summary>
        /// Builds the trunk's STs: the first with <paramref name="firstLocalisation"/>, later ones with an FCN (32, 32)
        /// on feature maps.
        /// </summary>
        public static SpatialTransformerSeries Create(ClassifierFeatures features, int count, SpatialTransformKind kind,
            LocalisationNetworkKind firstLocalisation, IReadOnlyList<int> firstWidths, int tpsGridSize,
            SamplingMode sampling, PaddingMode padding,
            long fullyConnectedInputSide = 0)
        {
            var list = new List<SpatialTransformerModule>();
            for (int i = 0; i < count && i < features.StageCount; i++)
            {
                var s = features.StageInputShapes[i];
                list.Add(i == 0
                    ? new SpatialTransformerModule(kind, s[0], s[1], s[2], firstLocalisation, firstWidths, 0, 0,
                        tpsGridSize, sampling, padding,
                        fullyConnectedInputSide: fullyConnectedInputSide)
                    : new SpatialTransformerModule(kind, s[0], s[1], s[2], LocalisationNetworkKind.Fcn,
                        new[] { 32, 32 }, 0, 0, tpsGridSize, sampling, padding));
            }
            return new SpatialTransformerSeries(features, list);
        }

        /// <summary>
        /// Number of spatial transformers (the first <see cref="Count"/> stages have one before them).
        /// </summary>
        public int Count => transformers.Count;

        /// <summary>The spatial transformer before stage <paramref name="index"/>.</summary>
        public SpatialTransformerModule this[int index] => transformers[index];

        /// <summary>The classifier trunk the transformers sit in.</summary>
        public ClassifierFeatures Features => features;

        /// <summary>input [N,C,H,W] -> (features [N,F], the theta [N,P] of each transformer in order).</summary>
        public override (Tensor Features, Tensor[] Thetas) forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var thetas = new Tensor[transformers.Count];
            var output = features.Forward(input, (stage, x) =>
            {
                if (stage >= transformers.Count) return x;
                var (warped, theta) = transformers[stage].call(x);
                thetas[stage] = theta.MoveToOuterDisposeScope(); // out of the trunk's scope, which ends before ours
                return warped;
            });
            return (output.MoveToOuterDisposeScope(), thetas.Select(t => t.MoveToOuterDisposeScope()).ToArray());
        }
    }
}
