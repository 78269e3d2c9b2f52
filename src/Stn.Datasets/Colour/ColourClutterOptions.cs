using Stn.Datasets.Distortions;

namespace Stn.Datasets.Colour
{
    /// <summary>
    /// Settings of <see cref="ColourClutterImages"/>. Sizes are fractions of the canvas side, so one setting works at
    /// any canvas size. The defaults are moderate clutter (<see cref="Moderate"/>); <see cref="Hard"/> adds digit
    /// fragments, more and opaque patches, more noise and larger rotations.
    /// </summary>
    public sealed class ColourClutterOptions
    {
        /// <summary>Side of the square colour canvas, pixels; default 128; 16 to 1024.</summary>
        public int CanvasSize { get; set; } = 128;
        /// <summary>
        /// Smallest side of the digit's 28x28 box on the canvas, as a fraction of the canvas; default 0.4; (0, 1].
        /// </summary>
        public double MinDigitFraction { get; set; } = 0.4;
        /// <summary>
        /// Largest side of the digit's box, as a fraction of the canvas; default 0.6; at least the smallest, at most 1.
        /// </summary>
        public double MaxDigitFraction { get; set; } = 0.6;
        /// <summary>Largest rotation of the digit either way, degrees; default 30; 0 to 180.</summary>
        public double MaxAngleDegrees { get; set; } = 30;
        /// <summary>Coloured rectangles drawn under the digit; default 4; 0 to 1000.</summary>
        public int PatchCount { get; set; } = 4;
        /// <summary>Smallest patch side, as a fraction of the canvas; default 0.06; (0, 1].</summary>
        public double MinPatchFraction { get; set; } = 0.06;
        /// <summary>
        /// Largest patch side, as a fraction of the canvas; default 0.19; at least the smallest, at most 1.
        /// </summary>
        public double MaxPatchFraction { get; set; } = 0.19;
        /// <summary>How much a patch covers what is under it (alpha); default 0.5; 0 to 1.</summary>
        public double PatchOpacity { get; set; } = 0.5;
        /// <summary>
        /// Crops of other digits (a third of the digit's box), coloured, drawn under the digit; default 0; 0 to 1000.
        /// </summary>
        public int FragmentCount { get; set; }
        /// <summary>
        /// Uniform per-pixel, per-channel noise added to the background, amplitude either way; default 0.1; 0 to 1.
        /// </summary>
        public double NoiseAmplitude { get; set; } = 0.1;
        /// <summary>
        /// Brightest background base colour per channel (the base is dark, so the bright digit stands out); default
        /// 0.5; 0 to 1.
        /// </summary>
        public double MaxBackground { get; set; } = 0.5;

        /// <summary>The defaults: moderate clutter.</summary>
        public static ColourClutterOptions Moderate(int canvasSize = 128)
            => new ColourClutterOptions { CanvasSize = canvasSize };

        /// <summary>
        /// Harder clutter: digits of 0.3-0.5 of the canvas, 12 opaque patches, 6 digit fragments, noise 0.2, rotations
        /// up to 45 degrees, a brighter background.
        /// </summary>
        public static ColourClutterOptions Hard(int canvasSize = 128) => new ColourClutterOptions
        {
            CanvasSize = canvasSize, MinDigitFraction = 0.3, MaxDigitFraction = 0.5, PatchCount = 12, PatchOpacity = 1,
            FragmentCount = 6, NoiseAmplitude = 0.2,
            MaxAngleDegrees = 45, MaxBackground = 0.8,
        };

        internal void Check()
        {
            OptionChecks.InRange(CanvasSize, 16, 1024, nameof(CanvasSize));
            OptionChecks.InRange(MinDigitFraction, 1e-3, 1, nameof(MinDigitFraction));
            OptionChecks.InRange(MaxDigitFraction, 1e-3, 1, nameof(MaxDigitFraction));
            OptionChecks.Ordered(MinDigitFraction, MaxDigitFraction, nameof(MinDigitFraction),
                nameof(MaxDigitFraction));
            OptionChecks.InRange(MaxAngleDegrees, 0, 180, nameof(MaxAngleDegrees));
            OptionChecks.InRange(PatchCount, 0, 1000, nameof(PatchCount));
            OptionChecks.InRange(MinPatchFraction, 1e-3, 1, nameof(MinPatchFraction));
            OptionChecks.InRange(MaxPatchFraction, 1e-3, 1, nameof(MaxPatchFraction));
            OptionChecks.Ordered(MinPatchFraction, MaxPatchFraction, nameof(MinPatchFraction),
                nameof(MaxPatchFraction));
            OptionChecks.InRange(PatchOpacity, 0, 1, nameof(PatchOpacity));
            OptionChecks.InRange(FragmentCount, 0, 1000, nameof(FragmentCount));
            OptionChecks.InRange(NoiseAmplitude, 0, 1, nameof(NoiseAmplitude));
            OptionChecks.InRange(MaxBackground, 0, 1, nameof(MaxBackground));
        }

        internal ColourClutterOptions Copy() => (ColourClutterOptions)MemberwiseClone();
    }
}
