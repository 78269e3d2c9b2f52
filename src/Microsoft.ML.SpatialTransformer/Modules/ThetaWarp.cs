using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Applies a given transform: (input [N,C,H,W], theta [N,P]) -> output [N,C,H',W']. The grid generator and sampler of a
    /// spatial transformer without its localisation network (augmentation, canonicalisation, cropping by known theta).
    /// </summary>
    public sealed class ThetaWarp : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly GridGenerator generator;
        private readonly GridSampler sampler;

        public ThetaWarp(SpatialTransformKind kind, long outputHeight, long outputWidth, int tpsGridSize,
            SamplingMode mode, PaddingMode padding) : base(nameof(ThetaWarp))
        {
            generator = new GridGenerator(kind, outputHeight, outputWidth, tpsGridSize);
            sampler = new GridSampler(mode, padding);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input, Tensor theta)
        {
            using var scope = NewDisposeScope();
            var grid = generator.call(theta);                          // [N,H',W',2]
            return sampler.call(input, grid).MoveToOuterDisposeScope(); // [N,C,H',W']
        }
    }
}
