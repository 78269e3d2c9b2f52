using Microsoft.ML.SpatialTransformer.Functional;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>The sampler as a module: (input [N,C,H,W], grid [N,H',W',2]) -> [N,C,H',W'], same warp on every channel.</summary>
    public sealed class GridSampler : nn.Module<Tensor, Tensor, Tensor>
    {
        public GridSampler(SamplingMode mode = SamplingMode.Bilinear, PaddingMode padding = PaddingMode.Zeros)
            : base(nameof(GridSampler))
        {
            Mode = mode;
            Padding = padding;
        }

        public SamplingMode Mode { get; }
        public PaddingMode Padding { get; }

        public override Tensor forward(Tensor input, Tensor grid) => GridSampling.Sample(input, grid, Mode, Padding);
    }
}
