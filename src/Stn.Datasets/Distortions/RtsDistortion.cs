using System;
using Microsoft.ML.SpatialTransformer;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// RTS: the digit rotated by an angle uniform in [-45°, 45°], scaled by a factor uniform in [0.7, 1.2] (the digit's
    /// apparent size) and placed in a 42x42 canvas with its centre offset from the canvas centre by a vector uniform in
    /// [-7, 7] px per axis (the room a 28x28 box has in 42x42). Theta: Similarity (angle [rad], s, tx, ty), output ->
    /// source, so s = (42 / 28) / scale.
    /// </summary>
    public sealed class RtsDistortion : WarpDistortion
    {
        /// <summary>The paper's settings.</summary>
        public static class Defaults
        {
            /// <summary>Side of the output canvas, pixels.</summary>
            public const int CanvasSize = 42;
            /// <summary>Largest rotation, degrees.</summary>
            public const double MaxAngleDegrees = 45;
            /// <summary>Smallest scale factor.</summary>
            public const double MinScale = 0.7;
            /// <summary>Largest scale factor.</summary>
            public const double MaxScale = 1.2;
            /// <summary>Largest offset of the digit's centre from the canvas centre, pixels per axis.</summary>
            public const double MaxOffsetPixels = 7;
        }

        /// <summary>Settings of <see cref="RtsDistortion"/> (also used by <see cref="AdditionDistortion"/>).</summary>
        public sealed class Options
        {
            /// <summary>Side of the output canvas, pixels.</summary>
            public int CanvasSize { get; set; } = Defaults.CanvasSize;
            /// <summary>Largest rotation in degrees, [0, 180].</summary>
            public double MaxAngleDegrees { get; set; } = Defaults.MaxAngleDegrees;
            /// <summary>Smallest scale factor (> 0).</summary>
            public double MinScale { get; set; } = Defaults.MinScale;
            /// <summary>Largest scale factor.</summary>
            public double MaxScale { get; set; } = Defaults.MaxScale;
            /// <summary>Largest offset of the digit's centre from the canvas centre, pixels per axis (>= 0).</summary>
            public double MaxOffsetPixels { get; set; } = Defaults.MaxOffsetPixels;
        }

        private readonly Options _options;

        /// <summary>Creates the generator; null options mean the defaults.</summary>
        public RtsDistortion(Options options = null)
        {
            options ??= new Options();
            OptionChecks.InRange(options.CanvasSize, 1, 4096, nameof(Options.CanvasSize));
            OptionChecks.InRange(options.MaxAngleDegrees, 0, 180, nameof(Options.MaxAngleDegrees));
            OptionChecks.InRange(options.MinScale, 1e-3, 1e3, nameof(Options.MinScale));
            OptionChecks.InRange(options.MaxScale, 1e-3, 1e3, nameof(Options.MaxScale));
            OptionChecks.Ordered(options.MinScale, options.MaxScale, nameof(Options.MinScale),
                nameof(Options.MaxScale));
            OptionChecks.InRange(options.MaxOffsetPixels, 0, options.CanvasSize, nameof(Options.MaxOffsetPixels));
            _options = new Options
            {
                CanvasSize = options.CanvasSize, MaxAngleDegrees = options.MaxAngleDegrees, MinScale = options.MinScale,
                MaxScale = options.MaxScale, MaxOffsetPixels = options.MaxOffsetPixels,
            };
        }

        /// <inheritdoc/>
        public override DistortionKind Kind => DistortionKind.RotationTranslationScale;

        /// <inheritdoc/>
        public override SpatialTransformKind ThetaKind => SpatialTransformKind.Similarity;

        /// <inheritdoc/>
        public override int OutputSize(int sourceSize) => _options.CanvasSize;

        private protected override void SampleTheta(Random random, int sourceSize, int outputSize,
            Span<double> theta) =>
            Sample(random, sourceSize, theta);

        /// <summary>
        /// Draws angle, scale, x offset, y offset (in that order) and writes the Similarity parameters.
        /// </summary>
        internal void Sample(Random random, int sourceSize, Span<double> theta)
        {
            double maxAngle = RandomExtensions.Radians(_options.MaxAngleDegrees);
            double angle = random.Uniform(-maxAngle, maxAngle);
            double scale = random.Uniform(_options.MinScale, _options.MaxScale);
            double dx = random.Uniform(-_options.MaxOffsetPixels, _options.MaxOffsetPixels);
            double dy = random.Uniform(-_options.MaxOffsetPixels, _options.MaxOffsetPixels);
            double sourceCentre = sourceSize / 2.0, canvasCentre = _options.CanvasSize / 2.0;
            // Output pixel -> source pixel: move the digit's placed centre to the origin, undo the scale, rotate, and
            // move the origin to the source centre.
            Matrix3 sourceFromOutput = Matrix3.Translation(sourceCentre, sourceCentre) * Matrix3.Rotation(angle)
                * Matrix3.Scale(1 / scale, 1 / scale) * Matrix3.Translation(-(canvasCentre + dx), -(canvasCentre + dy));
            ThetaFromMatrix.Similarity(
                PixelFrames.ToNormalized(sourceFromOutput, sourceSize, sourceSize, _options.CanvasSize,
                    _options.CanvasSize), theta);
        }
    }
}
