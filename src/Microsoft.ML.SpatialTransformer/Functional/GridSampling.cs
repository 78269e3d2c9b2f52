using System;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.SpatialTransformer.Functional
{
    /// <summary>
    /// The sampler: V[n,c,i,j] = sum_{h,w} U[n,c,h,w] k(x_ij - w) k(y_ij - h) for every channel c, grid (x, y) in
    /// normalised coordinates with align_corners = false (see <see cref="NormalizedGrid"/>).
    /// </summary>
    public static class GridSampling
    {
        // TorchSharp's GridSampleMode exposes only Nearest and Bilinear and its native side maps any other value to
        // bilinear, so bicubic goes through ATen's grid_sampler from a one-line TorchScript function instead.
        private static readonly Lazy<jit.CompilationUnit> s_atenSampler =
            new Lazy<jit.CompilationUnit>(() => jit.compile(
            "def sample(input: Tensor, grid: Tensor, mode: int, padding: int):\n" +
            "    return torch.grid_sampler(input, grid, mode, padding, False)\n"));

        /// <summary>input [N,C,H,W], grid [N,H',W',2] -> output [N,C,H',W'].</summary>
        public static Tensor Sample(Tensor input, Tensor grid, SamplingMode mode = SamplingMode.Bilinear,
            PaddingMode padding = PaddingMode.Zeros)
        {
            ArgumentChecks.CheckImage(input, nameof(input));
            ArgumentChecks.CheckGrid(input, grid, nameof(grid));
            return SampleUnchecked(input, grid, mode, padding);
        }

        /// <summary>
        /// As <see cref="Sample"/>, without the argument checks (for modules whose shapes are fixed).
        /// </summary>
        internal static Tensor SampleUnchecked(Tensor input, Tensor grid, SamplingMode mode, PaddingMode padding)
        {
            if (mode == SamplingMode.Bicubic)
                return s_atenSampler.Value.invoke<Tensor>("sample", input, grid, (long)mode, (long)padding);
            return grid_sample(input, grid, ToTorchSharp(mode), ToTorchSharp(padding), align_corners: false);
        }

        private static GridSampleMode ToTorchSharp(SamplingMode mode) => mode switch
        {
            SamplingMode.Bilinear => GridSampleMode.Bilinear,
            SamplingMode.Nearest => GridSampleMode.Nearest,
            _ => throw new ArgumentException($"mode must be Bilinear, Nearest or Bicubic; got {mode}.", nameof(mode)),
        };

        // TorchSharp orders its enum Zeros, Reflection, Border; ATen orders zeros, border, reflection.
        private static GridSamplePaddingMode ToTorchSharp(PaddingMode padding) => padding switch
        {
            PaddingMode.Zeros => GridSamplePaddingMode.Zeros,
            PaddingMode.Border => GridSamplePaddingMode.Border,
            PaddingMode.Reflection => GridSamplePaddingMode.Reflection,
            _ => throw new ArgumentException($"padding must be Zeros, Border or Reflection; got {padding}.",
                nameof(padding)),
        };
    }
}
