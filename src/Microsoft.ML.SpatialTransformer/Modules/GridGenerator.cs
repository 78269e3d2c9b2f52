using System;
using Microsoft.ML.SpatialTransformer.Functional;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// T_theta(G) for one transform kind and a fixed output size: theta [N,P] -> grid [N,H',W',2] (see
    /// <see cref="TransformFamily"/> for the convention). Constants are computed once from the options. The
    /// projective base grid and the TPS sampling matrix are a non-persistent buffer, so a generator on its own saves
    /// nothing; but a parent module's RegisterComponents registers the field as a buffer too
    /// ("generator._constant"), so a network saves it with its weights and moves it with itself (saved models have
    /// that entry, and loading checks entries). forward converts a constant to theta's dtype and device where they
    /// differ. The affine families' base grid is held apart from the module's tensors, so no saved state holds it.
    /// </summary>
    public sealed class GridGenerator : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor _constant; // projective: [H'W',3] base grid; TPS: [H'W',K] sampling matrix; else null
        private readonly AffineBase _affineBase; // affine families: [H'W',3] base grid; else null

        /// <summary>
        /// A generator for <paramref name="kind"/> and an output of <paramref name="outputHeight"/> x <paramref
        /// name="outputWidth"/>.
        /// </summary>
        /// <param name="kind">Transform family.</param>
        /// <param name="outputHeight">H', grid rows.</param>
        /// <param name="outputWidth">W', grid columns.</param>
        /// <param name="tpsGridSize">Control points per side for ThinPlateSpline (ignored otherwise).</param>
        public GridGenerator(SpatialTransformKind kind, long outputHeight, long outputWidth,
            int tpsGridSize = TransformFamily.DefaultTpsGridSize) : base(nameof(GridGenerator))
        {
            ParameterCount = TransformFamily.ParameterCount(kind, tpsGridSize);
            ArgumentChecks.CheckOutputSize(outputHeight, outputWidth);
            Kind = kind;
            OutputHeight = outputHeight;
            OutputWidth = outputWidth;
            TpsGridSize = tpsGridSize;
            if (AffineMatrices.IsAffineFamily(kind))
                _affineBase = new AffineBase(NormalizedGrid.Homogeneous(outputHeight, outputWidth)
                    .DetachFromDisposeScope());
            else if (kind == SpatialTransformKind.Projective)
                _constant = NormalizedGrid.Homogeneous(outputHeight, outputWidth).DetachFromDisposeScope();
            else if (kind == SpatialTransformKind.ThinPlateSpline)
                _constant = ThinPlateSpline.SamplingMatrix(tpsGridSize, outputHeight, outputWidth)
                    .DetachFromDisposeScope();
            if (_constant is not null)
                register_buffer("constant", _constant, persistent: false);
        }

        /// <summary>Transform family.</summary>
        public SpatialTransformKind Kind { get; }
        /// <summary>P, parameters per theta.</summary>
        public int ParameterCount { get; }
        /// <summary>H', grid rows.</summary>
        public long OutputHeight { get; }
        /// <summary>W', grid columns.</summary>
        public long OutputWidth { get; }
        /// <summary>Control points per side for ThinPlateSpline.</summary>
        public int TpsGridSize { get; }

        /// <summary>Parameters of the identity transform. [P]</summary>
        public float[] IdentityParameters => TransformFamily.IdentityParameters(Kind, TpsGridSize);

        /// <summary>
        /// theta [N,P] -> grid [N,H',W',2]. Checks the shape (no device sync); values are not checked here.
        /// </summary>
        public override Tensor forward(Tensor theta)
        {
            ArgumentChecks.CheckTheta(theta, Kind, ParameterCount);
            using var scope = NewDisposeScope();
            Tensor grid;
            if (AffineMatrices.IsAffineFamily(Kind))
                grid = AffineMatrices.Grid(AffineMatrices.FromParameters(Kind, theta), AffineBaseGrid(theta),
                    OutputHeight, OutputWidth);
            else if (Kind == SpatialTransformKind.Projective)
                grid = ProjectiveGrid.Grid(theta, Converted(_constant, theta), OutputHeight, OutputWidth);
            else
                grid = ThinPlateSpline.Grid(theta, Converted(_constant, theta), OutputHeight, OutputWidth);
            return grid.MoveToOuterDisposeScope();
        }

        // A constant in theta's dtype and device (float64 gradient checks run the same module).
        private static Tensor Converted(Tensor constant, Tensor theta) =>
            SameKind(constant, theta) ? constant : constant.to(theta.dtype, theta.device);

        // Device has no value equality (== compares references), so dtype, device type and index are compared here.
        private static bool SameKind(Tensor a, Tensor b) =>
            a.dtype == b.dtype && a.device_type == b.device_type && a.device_index == b.device_index;

        // The cached float32 CPU base grid, or for another dtype or device one built there (exact in float64, which a
        // converted float32 grid would not be).
        private Tensor AffineBaseGrid(Tensor theta) =>
            SameKind(_affineBase.Grid, theta)
                ? _affineBase.Grid
                : NormalizedGrid.Homogeneous(OutputHeight, OutputWidth, theta.dtype, theta.device);

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (disposing) _affineBase?.Grid.Dispose();
            base.Dispose(disposing);
        }

        // Not a Tensor field, which TorchSharp would register as a buffer and save: affine models saved before the base
        // grid was cached have no such entry, and loading checks the entries.
        private sealed class AffineBase
        {
            public AffineBase(Tensor grid) => Grid = grid;
            public Tensor Grid { get; }
        }
    }
}
