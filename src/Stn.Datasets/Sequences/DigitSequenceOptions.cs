using System;

namespace Stn.Datasets.Sequences
{
    /// <summary>
    /// How <see cref="DigitSequenceGenerator"/> lays out a sequence of MNIST digits: the canvas, the sequence lengths
    /// and the
    /// jitter of every digit. <see cref="ForCanvas"/> gives the settings of the two sizes of the paper's SVHN
    /// experiment.
    /// </summary>
    public sealed record DigitSequenceOptions
    {
        /// <summary>The largest sequence the models read: 5 digits, as in the paper's SVHN experiment.</summary>
        public const int MaxPositions = 5;

        /// <summary>Side of the square canvas in pixels; default 64; at least 32.</summary>
        public int CanvasSize { get; init; } = 64;

        /// <summary>Fewest digits in a sequence; default 1; in [1, <see cref="MaxLength"/>].</summary>
        public int MinLength { get; init; } = 1;

        /// <summary>Most digits in a sequence; default 5; in [<see cref="MinLength"/>, <see
        /// cref="MaxPositions"/>].</summary>
        public int MaxLength { get; init; } = MaxPositions;

        /// <summary>Side in pixels of a digit's 28x28 MNIST box at scale 1; default 13; positive.</summary>
        public double DigitSize { get; init; } = 13;

        /// <summary>Each digit's scale is drawn from [1 - ScaleJitter, 1 + ScaleJitter]; default 0.15; in [0,
        /// 1).</summary>
        public double ScaleJitter { get; init; } = 0.15;

        /// <summary>Step from one digit's box to the next, as a fraction of the box side, drawn from [min, max];
        /// default 0.55-0.75.</summary>
        public double MinSpacing { get; init; } = 0.55;

        /// <summary>Upper end of the spacing range; see <see cref="MinSpacing"/>.</summary>
        public double MaxSpacing { get; init; } = 0.75;

        /// <summary>Each digit is rotated by up to this many degrees either way; default 15; in [0, 90].</summary>
        public double RotationDegrees { get; init; } = 15;

        /// <summary>Each digit moves up or down by up to this fraction of its box side; default 0.1; in [0,
        /// 0.5].</summary>
        public double VerticalJitter { get; init; } = 0.1;

        /// <summary>
        /// The settings of a canvas of <paramref name="canvasSize"/> pixels: digit boxes of 13 px at 64 (a tight crop,
        /// as the
        /// paper's 64 px SVHN crops) and of 20 px at 128, where the sequence fills a smaller share of a larger canvas
        /// (the 128 px crops: more background, more to localise).
        /// </summary>
        public static DigitSequenceOptions ForCanvas(int canvasSize) => new DigitSequenceOptions
        {
            CanvasSize = canvasSize,
            DigitSize = canvasSize >= 128 ? 20 : 13,
        };

        /// <summary>Throws ArgumentException naming the first invalid setting.</summary>
        public void Validate()
        {
            if (CanvasSize < 32)
                throw new ArgumentException($"{nameof(CanvasSize)} must be at least 32; got {CanvasSize}.",
                    nameof(CanvasSize));
            if (MinLength < 1 || MinLength > MaxLength)
                throw new ArgumentException($"{nameof(MinLength)} must be in [1, {MaxLength}]; got {MinLength}.",
                    nameof(MinLength));
            if (MaxLength > MaxPositions)
                throw new ArgumentException($"{nameof(MaxLength)} must be at most {MaxPositions}; got {MaxLength}.",
                    nameof(MaxLength));
            if (!(DigitSize > 0))
                throw new ArgumentException($"{nameof(DigitSize)} must be positive; got {DigitSize}.",
                    nameof(DigitSize));
            if (!(ScaleJitter >= 0 && ScaleJitter < 1))
                throw new ArgumentException($"{nameof(ScaleJitter)} must be in [0, 1); got {ScaleJitter}.",
                    nameof(ScaleJitter));
            if (!(MinSpacing > 0 && MinSpacing <= MaxSpacing))
                throw new ArgumentException($"{nameof(MinSpacing)} must be in (0, " +
                    $"{nameof(MaxSpacing)}]; got {MinSpacing}.",
                    nameof(MinSpacing));
            if (!(RotationDegrees >= 0 && RotationDegrees <= 90))
                throw new ArgumentException($"{nameof(RotationDegrees)} must be in [0, 90]; got {RotationDegrees}.",
                    nameof(RotationDegrees));
            if (!(VerticalJitter >= 0 && VerticalJitter <= 0.5))
                throw new ArgumentException($"{nameof(VerticalJitter)} must be in [0, 0.5]; got {VerticalJitter}.",
                    nameof(VerticalJitter));
            // The widest sequence: every box at its largest, every step at its longest.
            double largest = DigitSize * (1 + ScaleJitter);
            double widest = (MaxLength - 1) * largest * MaxSpacing + largest;
            if (widest > CanvasSize)
                throw new ArgumentException(
                    $"{MaxLength} digits of up to {largest:F1} px need a canvas of " +
                    $"{Math.Ceiling(widest)} px; got {CanvasSize}.",
                    nameof(CanvasSize));
        }
    }
}
