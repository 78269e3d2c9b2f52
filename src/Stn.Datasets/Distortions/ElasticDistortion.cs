using System;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Functional;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// E: the digit scaled about its centre by a factor uniform in [0.75, 1.0], then a 4x4 thin plate spline whose 16
    /// control points move by N(0, 1.5 px) per axis. Same size as the source. Theta: ThinPlateSpline (the core's 4x4
    /// control points c_i on [-1, 1]^2, row-major, y outer), holding for each c_i its source point (c_i + n_i) / scale
    /// in normalised coordinates, n_i the move converted from output pixels (2 / size per pixel). The distortion is
    /// defined in the grid's direction (output -> source) because the inverse of a TPS is not a TPS.
    /// </summary>
    public sealed class ElasticDistortion : WarpDistortion
    {
        /// <summary>Control points per axis (the core's default grid, as the paper).</summary>
        public const int GridSize = TransformFamily.DefaultTpsGridSize;

        /// <summary>The paper's settings.</summary>
        public static class Defaults
        {
            /// <summary>Smallest scale factor.</summary>
            public const double MinScale = 0.75;
            /// <summary>Largest scale factor.</summary>
            public const double MaxScale = 1.0;
            /// <summary>Standard deviation of each control point's move, pixels per axis.</summary>
            public const double ControlPointSigmaPixels = 1.5;
        }

        /// <summary>Settings of <see cref="ElasticDistortion"/>.</summary>
        public sealed class Options
        {
            /// <summary>Smallest scale factor (> 0).</summary>
            public double MinScale { get; set; } = Defaults.MinScale;
            /// <summary>Largest scale factor.</summary>
            public double MaxScale { get; set; } = Defaults.MaxScale;
            /// <summary>Standard deviation of each control point's move, pixels per axis (>= 0).</summary>
            public double ControlPointSigmaPixels { get; set; } = Defaults.ControlPointSigmaPixels;
        }

        private readonly double _minScale, _maxScale, _sigma;

        /// <summary>Creates the generator; null options mean the defaults.</summary>
        public ElasticDistortion(Options options = null)
        {
            options ??= new Options();
            OptionChecks.InRange(options.MinScale, 1e-3, 1e3, nameof(Options.MinScale));
            OptionChecks.InRange(options.MaxScale, 1e-3, 1e3, nameof(Options.MaxScale));
            OptionChecks.Ordered(options.MinScale, options.MaxScale, nameof(Options.MinScale),
                nameof(Options.MaxScale));
            OptionChecks.InRange(options.ControlPointSigmaPixels, 0, 100, nameof(Options.ControlPointSigmaPixels));
            (_minScale, _maxScale, _sigma) = (options.MinScale, options.MaxScale, options.ControlPointSigmaPixels);
        }

        /// <inheritdoc/>
        public override DistortionKind Kind => DistortionKind.Elastic;

        /// <inheritdoc/>
        public override SpatialTransformKind ThetaKind => SpatialTransformKind.ThinPlateSpline;

        /// <inheritdoc/>
        public override int OutputSize(int sourceSize) => sourceSize;

        private protected override void SampleTheta(Random random, int sourceSize, int outputSize, Span<double> theta)
        {
            double scale = random.Uniform(_minScale, _maxScale);
            double pixel = 2.0 / outputSize; // one output pixel in normalised units
            for (int iy = 0, i = 0; iy < GridSize; iy++)
            {
                for (int ix = 0; ix < GridSize; ix++, i++)
                {
                    double cx = -1 + 2.0 * ix / (GridSize - 1), cy = -1 + 2.0 * iy / (GridSize - 1);
                    double nx = random.Gaussian(_sigma) * pixel, ny = random.Gaussian(_sigma) * pixel;
                    theta[2 * i] = (cx + nx) / scale;
                    theta[2 * i + 1] = (cy + ny) / scale;
                }
            }
        }
    }
}
