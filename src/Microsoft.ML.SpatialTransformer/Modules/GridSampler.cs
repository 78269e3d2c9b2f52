using Microsoft.ML.SpatialTransformer.Functional;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// The sampler as a module: (input [N,C,H,W], grid [N,H',W',2]) -> [N,C,H',W'], same warp on every channel.
    /// </summary>
    public sealed class GridSampler : nn.Module<Tensor, Tensor, Tensor>
    {
        /// <summary>A sampler with the given kernel and padding.</summary>
        /// <param name="mode">Sampling kernel.</param>
        /// <param name="padding">Value sampled outside the input.</param>
        public GridSampler(SamplingMode mode = SamplingMode.Bilinear, PaddingMode padding = PaddingMode.Zeros)
            : base(nameof(GridSampler))
        {
            Mode = mode;
            Padding = padding;
        }

        /// <summary>Sampling kernel.</summary>
        public SamplingMode Mode { get; }
        /// <summary>Value sampled outside the input.</summary>
        public PaddingMode Padding { get; }

        /// <summary>(input [N,C,H,W], grid [N,H',W',2] in normalised [-1, 1] coordinates) -> [N,C,H',W'].</summary>
        public override Tensor forward(Tensor input, Tensor grid) => GridSampling.Sample(input, grid, Mode, Padding);
    }
}
