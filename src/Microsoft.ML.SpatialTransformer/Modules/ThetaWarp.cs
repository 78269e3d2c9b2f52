using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Applies a given transform: (input [N,C,H,W], theta [N,P]) -> output [N,C,H',W']. The grid generator and sampler
    /// of a spatial transformer without its localisation network (augmentation, canonicalisation, cropping by known
    /// theta).
    /// </summary>
    public sealed class ThetaWarp : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly GridGenerator generator;
        private readonly GridSampler sampler;

        /// <summary>
        /// A warp of the given family to an output of <paramref name="outputHeight"/> x <paramref name="outputWidth"/>.
        /// </summary>
        /// <param name="kind">Transform family of the theta column.</param>
        /// <param name="outputHeight">H', output rows.</param>
        /// <param name="outputWidth">W', output columns.</param>
        /// <param name="tpsGridSize">Control points per side for ThinPlateSpline.</param>
        /// <param name="mode">Sampling kernel.</param>
        /// <param name="padding">Value sampled outside the input.</param>
        public ThetaWarp(SpatialTransformKind kind, long outputHeight, long outputWidth, int tpsGridSize,
            SamplingMode mode, PaddingMode padding) : base(nameof(ThetaWarp))
        {
            generator = new GridGenerator(kind, outputHeight, outputWidth, tpsGridSize);
            sampler = new GridSampler(mode, padding);
            RegisterComponents();
        }

        /// <summary>(input [N,C,H,W], theta [N,P]) -> output [N,C,H',W'].</summary>
        public override Tensor forward(Tensor input, Tensor theta)
        {
            using var scope = NewDisposeScope();
            var grid = generator.call(theta);                          // [N,H',W',2]
            return sampler.call(input, grid).MoveToOuterDisposeScope(); // [N,C,H',W']
        }
    }
}
