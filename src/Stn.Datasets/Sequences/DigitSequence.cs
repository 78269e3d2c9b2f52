using System.Collections.Generic;

namespace Stn.Datasets.Sequences
{
    /// <summary>One generated image: the canvas, the digits left to right and where each one is.</summary>
    public sealed class DigitSequence
    {
        internal DigitSequence(float[] pixels, int canvasSize, string label, DigitBox[] boxes)
        {
            Pixels = pixels;
            CanvasSize = canvasSize;
            Label = label;
            Boxes = boxes;
        }

        /// <summary>The canvas, [1, S, S] row-major, in [0, 1], 0 = background.</summary>
        public float[] Pixels { get; }

        /// <summary>S, the canvas side in pixels.</summary>
        public int CanvasSize { get; }

        /// <summary>The digits, left to right, as text ("307").</summary>
        public string Label { get; }

        /// <summary>The true box of each digit, in the order of <see cref="Label"/>.</summary>
        public IReadOnlyList<DigitBox> Boxes { get; }
    }
}
