namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// Conversions between pixel and normalised coordinates. Convention (as the core library, align_corners = false):
    /// a pixel coordinate u runs over [0, W] across the image's outer edges, pixel j's centre at u = j + 0.5; the
    /// normalised coordinate is x = 2u / W - 1, so x = -1 and 1 are the outer edges and y grows downwards.
    /// A sampling grid maps each OUTPUT pixel to a SOURCE point, so a distortion is described by the map
    /// output pixel -> source pixel, M_pix, and its normalised form is
    ///   N = NormalizedFromPixel(source) * M_pix * PixelFromNormalized(output).
    /// </summary>
    internal static class PixelFrames
    {
        /// <summary>x -> u = (x + 1) W / 2 (and likewise y with H).</summary>
        public static Matrix3 PixelFromNormalized(int width, int height) =>
            new Matrix3(width / 2.0, 0, width / 2.0, 0, height / 2.0, height / 2.0, 0, 0, 1);

        /// <summary>u -> x = 2u / W - 1 (and likewise y with H).</summary>
        public static Matrix3 NormalizedFromPixel(int width, int height) =>
            new Matrix3(2.0 / width, 0, -1, 0, 2.0 / height, -1, 0, 0, 1);

        /// <summary>
        /// The normalised form of <paramref name="sourceFromOutputPixels"/>, the map output pixel -> source pixel.
        /// </summary>
        public static Matrix3 ToNormalized(Matrix3 sourceFromOutputPixels, int sourceWidth, int sourceHeight,
            int outputWidth, int outputHeight) =>
            NormalizedFromPixel(sourceWidth, sourceHeight) * sourceFromOutputPixels * PixelFromNormalized(outputWidth,
                outputHeight);
    }
}
