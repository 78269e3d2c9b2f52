using System;
using Microsoft.ML.SpatialTransformer;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// R: the digit rotated about its image centre by an angle uniform in [-MaxAngleDegrees, +MaxAngleDegrees]; same
    /// size as the source. Theta: Similarity (angle [rad], 1, 0, 0). A positive angle rotates the sampling grid
    /// clockwise on screen (y down), so the digit appears turned counter-clockwise; the range is symmetric either way.
    /// </summary>
    public sealed class RotationDistortion : WarpDistortion
    {
        /// <summary>The paper's settings.</summary>
        public static class Defaults
        {
            /// <summary>Largest rotation, degrees.</summary>
            public const double MaxAngleDegrees = 90;
        }

        /// <summary>Settings of <see cref="RotationDistortion"/>.</summary>
        public sealed class Options
        {
            /// <summary>Largest rotation in degrees, [0, 180]; 0 reproduces the source.</summary>
            public double MaxAngleDegrees { get; set; } = Defaults.MaxAngleDegrees;
        }

        private readonly double _maxAngle;

        /// <summary>Creates the generator; null options mean the defaults.</summary>
        public RotationDistortion(Options options = null)
        {
            options ??= new Options();
            OptionChecks.InRange(options.MaxAngleDegrees, 0, 180, nameof(Options.MaxAngleDegrees));
            _maxAngle = RandomExtensions.Radians(options.MaxAngleDegrees);
        }

        /// <inheritdoc/>
        public override DistortionKind Kind => DistortionKind.Rotation;

        /// <inheritdoc/>
        public override SpatialTransformKind ThetaKind => SpatialTransformKind.Similarity;

        /// <inheritdoc/>
        public override int OutputSize(int sourceSize) => sourceSize;

        private protected override void SampleTheta(Random random, int sourceSize, int outputSize, Span<double> theta)
        {
            // Same size and centre, square images: the pixel rotation is the same rotation in normalised coordinates.
            theta[0] = random.Uniform(-_maxAngle, _maxAngle);
            theta[1] = 1;
            theta[2] = 0;
            theta[3] = 0;
        }
    }
}
