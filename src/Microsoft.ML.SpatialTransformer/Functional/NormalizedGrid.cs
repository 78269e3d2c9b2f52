using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Functional
{
    /// <summary>
    /// The regular output grid G in normalised coordinates.
    /// Convention (as PyTorch with align_corners = false): x and y run over [-1, 1] across the image's outer edges, so
    /// the centre of pixel j of a row of W pixels is x = (2j + 1) / W - 1; rows go top to bottom (y = -1 at the top).
    /// </summary>
    public static class NormalizedGrid
    {
        /// <summary>Pixel-centre coordinates along one axis of <paramref name="length"/> pixels. [length]</summary>
        public static Tensor Centres(long length, ScalarType dtype = ScalarType.Float32, Device device = null)
        {
            using var scope = NewDisposeScope();
            var index = arange(length, dtype: ScalarType.Float64, device: device); // [L]
            return ((index * 2 + 1) / length - 1).to(dtype).MoveToOuterDisposeScope();
        }

        /// <summary>Homogeneous target coordinates (x, y, 1) of every output pixel, row-major. [H*W, 3]</summary>
        public static Tensor Homogeneous(long height, long width, ScalarType dtype = ScalarType.Float32,
            Device device = null)
        {
            ArgumentChecks.CheckOutputSize(height, width);
            using var scope = NewDisposeScope();
            var ys = Centres(height, dtype, device);                          // [H]
            var xs = Centres(width, dtype, device);                           // [W]
            var x = xs.unsqueeze(0).expand(height, width).reshape(-1);       // [H*W]
            var y = ys.unsqueeze(1).expand(height, width).reshape(-1);       // [H*W]
            return stack(new[] { x, y, ones_like(x) }, 1).MoveToOuterDisposeScope(); // [H*W, 3]
        }
    }
}
