using System;
using Microsoft.ML.SpatialTransformer.Functional;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// T_theta(G) for one transform kind and a fixed output size: theta [N,P] -> grid [N,H',W',2] (see
    /// <see cref="TransformFamily"/> for the convention). Constants (the projective base grid, the TPS sampling matrix)
    /// are non-persistent buffers computed once, so they follow the module to its device and are never saved.
    /// </summary>
    public sealed class GridGenerator : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor _constant; // projective: [H'W',3] base grid; TPS: [H'W',K] sampling matrix; else null

        public GridGenerator(SpatialTransformKind kind, long outputHeight, long outputWidth,
            int tpsGridSize = TransformFamily.DefaultTpsGridSize) : base(nameof(GridGenerator))
        {
            ParameterCount = TransformFamily.ParameterCount(kind, tpsGridSize);
            ArgumentChecks.CheckOutputSize(outputHeight, outputWidth);
            Kind = kind;
            OutputHeight = outputHeight;
            OutputWidth = outputWidth;
            TpsGridSize = tpsGridSize;
            if (kind == SpatialTransformKind.Projective)
                _constant = NormalizedGrid.Homogeneous(outputHeight, outputWidth).DetachFromDisposeScope();
            else if (kind == SpatialTransformKind.ThinPlateSpline)
                _constant = ThinPlateSpline.SamplingMatrix(tpsGridSize, outputHeight, outputWidth).DetachFromDisposeScope();
            if (_constant is not null)
                register_buffer("constant", _constant, persistent: false);
        }

        public SpatialTransformKind Kind { get; }
        public int ParameterCount { get; }
        public long OutputHeight { get; }
        public long OutputWidth { get; }
        public int TpsGridSize { get; }

        /// <summary>Parameters of the identity transform. [P]</summary>
        public float[] IdentityParameters => TransformFamily.IdentityParameters(Kind, TpsGridSize);

        /// <summary>theta [N,P] -> grid [N,H',W',2]. Checks the shape (no device sync); values are not checked here.</summary>
        public override Tensor forward(Tensor theta)
        {
            ArgumentChecks.CheckTheta(theta, Kind, ParameterCount);
            using var scope = NewDisposeScope();
            Tensor grid;
            if (AffineMatrices.IsAffineFamily(Kind))
                grid = AffineMatrices.Grid(AffineMatrices.FromParameters(Kind, theta), OutputHeight, OutputWidth);
            else if (Kind == SpatialTransformKind.Projective)
                grid = ProjectiveGrid.Grid(theta, Constant(theta), OutputHeight, OutputWidth);
            else
                grid = ThinPlateSpline.Grid(theta, Constant(theta), OutputHeight, OutputWidth);
            return grid.MoveToOuterDisposeScope();
        }

        // The constant in theta's dtype and device (float64 gradient checks run the same module). TorchSharp 0.107 leaves
        // non-persistent buffers out of buffers() and so out of Module.to(); converting here keeps any device working.
        private Tensor Constant(Tensor theta) =>
            _constant.dtype == theta.dtype && _constant.device == theta.device ? _constant : _constant.to(theta.dtype, theta.device);
    }
}
