using System;
using Microsoft.ML.SpatialTransformer.Functional;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Functional
{
    /// <summary>
    /// Bad arguments give an ArgumentException naming the parameter, the expected and the actual value.
    /// </summary>
    public class BadInputTests
    {
        private static void AssertBad(Action action, string parameter, params string[] fragments)
        {
            var e = Assert.ThrowsAny<ArgumentException>(action);
            Assert.Equal(parameter, e.ParamName);
            foreach (var f in fragments) Assert.Contains(f, e.Message);
        }

        [Fact]
        public void WrongThetaShapes()
        {
            using var scope = NewDisposeScope();
            AssertBad(() => TransformFamily.Grid(SpatialTransformKind.Affine, zeros(2, 5), 4, 4), "theta",
                "[N, 6]", "[2, 5]");
            AssertBad(() => TransformFamily.Grid(SpatialTransformKind.ThinPlateSpline, zeros(2, 18), 4, 4), "theta",
                "[N, 32]", "[2, 18]");
            AssertBad(() => TransformFamily.Grid(SpatialTransformKind.Attention, zeros(3), 4, 4), "theta",
                "[N, 3]", "[3]");
        }

        [Fact]
        public void NonFiniteTheta()
        {
            using var scope = NewDisposeScope();
            var theta = tensor(new float[] { 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, float.NaN, 0 }).reshape(2, 6);
            AssertBad(() => TransformFamily.Grid(SpatialTransformKind.Affine, theta, 4, 4), "theta", "finite", "row 1");
        }

        [Fact]
        public void NonPositiveOutputSizes()
        {
            using var scope = NewDisposeScope();
            var theta = Kinds.Identity(SpatialTransformKind.Affine, 4, 1);
            AssertBad(() => TransformFamily.Grid(SpatialTransformKind.Affine, theta, 0, 4), "outputHeight",
                "positive", "got 0");
            AssertBad(() => TransformFamily.Grid(SpatialTransformKind.Affine, theta, 4, -2), "outputWidth",
                "positive", "got -2");
        }

        [Fact]
        public void InputNot4DOrGridOfWrongShape()
        {
            using var scope = NewDisposeScope();
            var grid = TransformFamily.Grid(SpatialTransformKind.Affine,
                Kinds.Identity(SpatialTransformKind.Affine, 4, 2), 4, 4);
            AssertBad(() => GridSampling.Sample(zeros(2, 4, 4), grid), "input", "4-D", "3-D [2, 4, 4]");
            AssertBad(() => GridSampling.Sample(zeros(3, 1, 4, 4), grid), "grid", "[3, H', W', 2]", "[2, 4, 4, 2]");
        }

        [Fact]
        public void TpsGridSmallerThan2()
        {
            AssertBad(() => TransformFamily.ParameterCount(SpatialTransformKind.ThinPlateSpline, 1), "tpsGridSize",
                "at least 2", "got 1");
        }
    }
}
