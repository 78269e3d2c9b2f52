using System;
using System.Collections.Generic;
using Microsoft.ML.SpatialTransformer.Functional;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// A spatial transformer: localisation network -> grid generator -> sampler. input [N,C,H,W] -> (output
    /// [N,C,H',W'], theta [N,P]). A fresh one is the identity (its regression layer starts at the identity transform).
    /// With
    /// <c>normaliseLocalisationInput</c> the localisation network sees the input scaled per channel while the sampler
    /// still warps the input as given, so the output stays in the caller's pixel scale (the standalone learned
    /// transform).
    /// </summary>
    public sealed class SpatialTransformerModule : nn.Module<Tensor, (Tensor Output, Tensor Theta)>
    {
        private readonly LocalisationNetwork localisation;
        private readonly GridGenerator generator;
        private readonly GridSampler sampler;
        // null: the localisation network sees the input as given
        private readonly InputNormalisation localisation_input;

        /// <param name="kind">Transform family regressed.</param>
        /// <param name="channels">Input channels C.</param>
        /// <param name="height">Input height H.</param>
        /// <param name="width">Input width W.</param>
        /// <param name="localisationKind">Localisation network architecture.</param>
        /// <param name="localisationWidths">Its widths (null: the architecture's defaults).</param>
        /// <param name="outputHeight">H' (0: H).</param>
        /// <param name="outputWidth">W' (0: W).</param>
        /// <param name="tpsGridSize">Control points per side for ThinPlateSpline.</param>
        /// <param name="sampling">Sampling kernel.</param>
        /// <param name="padding">Padding mode.</param>
        /// <param name="normaliseLocalisationInput">Scale the localisation network's input per channel (statistics set
        /// later).</param>
        /// <param name="fullyConnectedInputSide">The localisation network's last feature map is pooled to at most this
        /// side before its fully connected layer; 0 (default): no pooling.</param>
        public SpatialTransformerModule(SpatialTransformKind kind, long channels, long height, long width,
            LocalisationNetworkKind localisationKind = LocalisationNetworkKind.Cnn,
            IReadOnlyList<int> localisationWidths = null,
            long outputHeight = 0, long outputWidth = 0, int tpsGridSize = TransformFamily.DefaultTpsGridSize,
            SamplingMode sampling = SamplingMode.Bilinear, PaddingMode padding = PaddingMode.Zeros,
            bool normaliseLocalisationInput = false, long fullyConnectedInputSide = 0)
            : base(nameof(SpatialTransformerModule))
        {
            if (kind == SpatialTransformKind.None)
                throw new ArgumentException("kind must be a transform family; got None.", nameof(kind));
            if (outputHeight < 0 || outputWidth < 0)
                throw new ArgumentException("outputHeight and outputWidth must be 0 (the input's) or positive; got " +
                    $"{outputHeight}x{outputWidth}.",
                    outputHeight < 0 ? nameof(outputHeight) : nameof(outputWidth));
            Kind = kind;
            InputChannels = channels;
            OutputHeight = outputHeight > 0 ? outputHeight : height;
            OutputWidth = outputWidth > 0 ? outputWidth : width;
            generator = new GridGenerator(kind, OutputHeight, OutputWidth, tpsGridSize);
            localisation = new LocalisationNetwork(localisationKind, channels, height, width,
                TransformFamily.IdentityParameters(kind, tpsGridSize), localisationWidths, fullyConnectedInputSide);
            sampler = new GridSampler(sampling, padding);
            if (normaliseLocalisationInput) localisation_input = new InputNormalisation(channels);
            RegisterComponents();
        }

        /// <summary>Transform family regressed.</summary>
        public SpatialTransformKind Kind { get; }
        /// <summary>C, channels of the input (and of the output).</summary>
        public long InputChannels { get; }
        /// <summary>H', rows of the output.</summary>
        public long OutputHeight { get; }
        /// <summary>W', columns of the output.</summary>
        public long OutputWidth { get; }

        /// <summary>The localisation network (for a learning-rate multiplier or inspection).</summary>
        public LocalisationNetwork Localisation => localisation;

        /// <summary>The grid generator T_theta(G).</summary>
        public GridGenerator Generator => generator;

        /// <summary>The sampler.</summary>
        public GridSampler Sampler => sampler;

        /// <summary>The localisation input's per-channel scaling, or null.</summary>
        public InputNormalisation LocalisationInput => localisation_input;

        /// <summary>input [N,C,H,W] -> theta [N,P]: the localisation network on the input, scaled first where the
        /// module normalises its localisation input.</summary>
        public Tensor Theta(Tensor input) =>
            localisation.call(localisation_input is null ? input : localisation_input.call(input));

        /// <summary>input [N,C,H,W] -> (output [N,C,H',W'], theta [N,P]).</summary>
        public override (Tensor Output, Tensor Theta) forward(Tensor input)
        {
            if (input.dim() != 4 || input.shape[1] != InputChannels)
                throw new ArgumentException(
                    $"input must be [N, {InputChannels}, H, W]; got [{string.Join(", ", input.shape)}].",
                    nameof(input));
            using var scope = NewDisposeScope();
            var theta = Theta(input);                              // [N,P]
            var grid = generator.call(theta);                      // [N,H',W',2]
            var output = sampler.call(input, grid);                // [N,C,H',W']
            return (output.MoveToOuterDisposeScope(), theta.MoveToOuterDisposeScope());
        }
    }
}
