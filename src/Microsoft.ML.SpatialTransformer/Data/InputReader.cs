using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>Writes the current row's value of one input column into <paramref name="destination"/>.</summary>
    internal delegate void ReadInto(Span<float> destination);

    /// <summary>
    /// Reads one input column of the current row into a float span: a Vector&lt;Single&gt; as is, or an ML.NET image
    /// (MLImage, from LoadImages/ResizeImages) as planar R, G, B values 0-255, the layout and scale of ExtractPixels'
    /// defaults, so an image column and ExtractPixels' output give the model the same numbers.
    /// </summary>
    internal static class InputReader
    {
        public static ReadInto Create(IExceptionContext ectx, DataViewRow row, DataViewSchema.Column column)
        {
            var position = row;
            if (column.Type is ImageDataViewType)
            {
                var getImage = row.GetGetter<MLImage>(column);
                MLImage image = null;
                return destination =>
                {
                    getImage(ref image);
                    if (image is null)
                        throw ectx.Except($"Column '{column.Name}' holds no image in row {position.Position}.");
                    CopyPlanarRgb(ectx, column.Name, image, position.Position, destination);
                };
            }
            var getVector = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> vector = default;
            return destination =>
            {
                getVector(ref vector);
                if (vector.Length != destination.Length)
                    throw ectx.Except($"Column '{column.Name}' holds {vector.Length} values in row " +
                        $"{position.Position}; expected {destination.Length}.");
                vector.CopyTo(destination);
            };
        }

        private static void CopyPlanarRgb(IExceptionContext ectx, string column, MLImage image, long row,
            Span<float> destination)
        {
            int plane = image.Width * image.Height;
            if (3 * plane != destination.Length)
                throw ectx.Except($"Column '{column}' holds a {image.Width}x{image.Height} image in row {row}; " +
                    $"expected {destination.Length / 3} pixels (resize it with ResizeImages).");
            // MLImage pixels are 4 bytes each: B, G, R, A (Bgra32) or R, G, B, A (Rgba32).
            bool bgra = image.PixelFormat == MLPixelFormat.Bgra32;
            var pixels = image.Pixels;
            for (int p = 0; p < plane; p++)
            {
                byte first = pixels[4 * p], second = pixels[4 * p + 1], third = pixels[4 * p + 2];
                destination[p] = bgra ? third : first;          // R
                destination[plane + p] = second;                 // G
                destination[2 * plane + p] = bgra ? first : third; // B
            }
        }
    }
}
