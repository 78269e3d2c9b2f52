using System;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Infrastructure
{
    /// <summary>
    /// Compares autograd with central finite differences in float64: for a scalar function f of one input tensor, every
    /// element's derivative (f(x + eps) - f(x - eps)) / 2 eps must match the backward pass to a relative tolerance.
    /// </summary>
    public static class GradientCheck
    {
        public static void Assert(Func<Tensor, Tensor> f, Tensor x, double eps = 1e-6, double tolerance = 1e-4)
        {
            using var scope = NewDisposeScope();
            var input = x.to_type(ScalarType.Float64).detach().requires_grad_(true);
            f(input).sum().backward();
            var analytic = input.grad.clone();                                  // same shape as x
            var numeric = zeros_like(analytic);
            var flat = input.detach().clone().reshape(-1);
            var numericFlat = numeric.reshape(-1);
            using (no_grad())
            {
                for (long i = 0; i < flat.shape[0]; i++)
                {
                    double v = flat[i].item<double>();
                    flat[i] = v + eps;
                    double plus = f(flat.reshape(x.shape)).sum().item<double>();
                    flat[i] = v - eps;
                    double minus = f(flat.reshape(x.shape)).sum().item<double>();
                    flat[i] = v;
                    numericFlat[i] = (plus - minus) / (2 * eps);
                }
            }
            double scale = Math.Max(1.0, numeric.abs().max().item<double>());
            double error = (analytic - numeric).abs().max().item<double>() / scale;
            Xunit.Assert.True(error <= tolerance,
                $"autograd and finite differences differ by {error:E3} (relative to {scale:F3}) > {tolerance:E1}");
        }
    }
}
