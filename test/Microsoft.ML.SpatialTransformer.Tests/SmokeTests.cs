using Microsoft.ML.SpatialTransformer.Functional;
using Xunit;
using static TorchSharp.torch;
namespace Microsoft.ML.SpatialTransformer.Tests;
public class SmokeTests
{
    [Theory]
    [InlineData(SpatialTransformKind.Affine)]
    [InlineData(SpatialTransformKind.ThinPlateSpline)]
    [InlineData(SpatialTransformKind.Projective)]
    public void IdentityBicubic(SpatialTransformKind kind)
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 3, 7, 9);
        var theta = tensor(TransformFamily.IdentityParameters(kind)).unsqueeze(0).expand(2, -1);
        var grid = TransformFamily.Grid(kind, theta, 7, 9);
        var y = GridSampling.Sample(x, grid, SamplingMode.Bicubic);
        Assert.True((y - x).abs().max().item<float>() < 1e-4, (y - x).abs().max().item<float>().ToString());
    }
}
