using System;
using Microsoft.ML.SpatialTransformer;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// P: the digit scaled about its centre by a factor uniform in [0.75, 1.0], then each of the image's 4 outer
    /// corners moved by N(0, 5 px) per axis; the projective warp is the homography taking the moved corners (in the
    /// output) back to the source corners, solved from the 4 point pairs in doubles. Same size as the source. Theta:
    /// Projective (h11, h12, h13, h21, h22, h23, h31, h32) of the normalised output -> source homography with h33 = 1.
    /// </summary>
    public sealed class ProjectiveDistortion : WarpDistortion
    {
        /// <summary>The paper's settings.</summary>
        public static class Defaults
        {
            /// <summary>Smallest scale factor.</summary>
            public const double MinScale = 0.75;
            /// <summary>Largest scale factor.</summary>
            public const double MaxScale = 1.0;
            /// <summary>Standard deviation of each corner's move, pixels per axis.</summary>
            public const double CornerSigmaPixels = 5;
        }

        /// <summary>Settings of <see cref="ProjectiveDistortion"/>.</summary>
        public sealed class Options
        {
            /// <summary>Smallest scale factor (> 0).</summary>
            public double MinScale { get; set; } = Defaults.MinScale;
            /// <summary>Largest scale factor.</summary>
            public double MaxScale { get; set; } = Defaults.MaxScale;
            /// <summary>
            /// Standard deviation of each corner's move, pixels per axis (>= 0); 0 with scale 1 reproduces the source.
            /// </summary>
            public double CornerSigmaPixels { get; set; } = Defaults.CornerSigmaPixels;
        }

        private readonly double _minScale, _maxScale, _sigma;

        /// <summary>Creates the generator; null options mean the defaults.</summary>
        public ProjectiveDistortion(Options options = null)
        {
            options ??= new Options();
            OptionChecks.InRange(options.MinScale, 1e-3, 1e3, nameof(Options.MinScale));
            OptionChecks.InRange(options.MaxScale, 1e-3, 1e3, nameof(Options.MaxScale));
            OptionChecks.Ordered(options.MinScale, options.MaxScale, nameof(Options.MinScale),
                nameof(Options.MaxScale));
            OptionChecks.InRange(options.CornerSigmaPixels, 0, 100, nameof(Options.CornerSigmaPixels));
            (_minScale, _maxScale, _sigma) = (options.MinScale, options.MaxScale, options.CornerSigmaPixels);
        }

        /// <inheritdoc/>
        public override DistortionKind Kind => DistortionKind.Projective;

        /// <inheritdoc/>
        public override SpatialTransformKind ThetaKind => SpatialTransformKind.Projective;

        /// <inheritdoc/>
        public override int OutputSize(int sourceSize) => sourceSize;

        private protected override void SampleTheta(Random random, int sourceSize, int outputSize, Span<double> theta)
        {
            double scale = random.Uniform(_minScale, _maxScale);
            double centre = sourceSize / 2.0;
            var corners = new (double X, double Y)[] { (0, 0), (sourceSize, 0), (sourceSize, sourceSize),
                (0, sourceSize) };
            var moved = new (double X, double Y)[4];
            for (int k = 0; k < 4; k++)
            {
                double nx = random.Gaussian(_sigma), ny = random.Gaussian(_sigma);
                moved[k] = (centre + scale * (corners[k].X - centre) + nx,
                    centre + scale * (corners[k].Y - centre) + ny);
            }
            Matrix3 sourceFromOutput = Homography.FromPoints(moved, corners); // output pixel -> source pixel
            ThetaFromMatrix.Projective(PixelFrames.ToNormalized(sourceFromOutput, sourceSize, sourceSize, outputSize,
                outputSize), theta);
        }
    }
}
