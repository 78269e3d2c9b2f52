using System;
using Microsoft.ML.SpatialTransformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// Runs a <see cref="ThetaWarp"/> on rows held in managed buffers: copies a batch in, warps it under no_grad inside one
    /// dispose scope, and copies the result out before the scope closes. Safe to call from several threads.
    /// </summary>
    internal sealed class ThetaWarpRunner : IDisposable
    {
        private readonly SpatialTransformConfig _config;
        private readonly ThetaWarp _warp;

        public ThetaWarpRunner(SpatialTransformConfig config)
        {
            _config = config;
            _warp = new ThetaWarp(config.Kind, config.OutputHeight, config.OutputWidth, config.TpsGridSize, config.Sampling, config.Padding);
            _warp.eval();
        }

        /// <summary>images: rows * C*H*W values; thetas: rows * P values; output: rows * C*H'*W' values.</summary>
        public void Warp(ReadOnlySpan<float> images, ReadOnlySpan<float> thetas, int rows, long firstRow, Span<float> output)
        {
            CheckFinite(thetas, firstRow);
            var shape = _config.InputShape;
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var input = tensor(images.ToArray(), new long[] { rows, shape.Channels, shape.Height, shape.Width }); // [N,C,H,W]
            var theta = tensor(thetas.ToArray(), new long[] { rows, _config.ParameterCount });                     // [N,P]
            var warped = _warp.call(input, theta).contiguous();                                                  // [N,C,H',W']
            warped.data<float>().CopyTo(output);
        }

        // A NaN theta would silently give a NaN image; say which row instead.
        private void CheckFinite(ReadOnlySpan<float> thetas, long firstRow)
        {
            for (int i = 0; i < thetas.Length; i++)
            {
                if (!float.IsFinite(thetas[i]))
                    throw new InvalidOperationException(
                        $"Column '{_config.ThetaColumnName}' holds {thetas[i]} in row {firstRow + i / _config.ParameterCount}; expected finite transform parameters.");
            }
        }

        public void Dispose() => _warp.Dispose();
    }
}
