using System;
using System.Collections.Immutable;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// The [C,H,W] layout of an image held in a known-size Vector&lt;Single&gt; column: taken from the vector type's
    /// dimensions when it has them (ImageAnalytics' ExtractPixels gives [C,H,W]; [H,W] means one channel), otherwise
    /// from the channels/height/width the user gives, which must multiply to the vector's size. An ML.NET image column
    /// of known size (after ResizeImages) is [3,H,W]: its R, G, B planes (see InputReader).
    /// </summary>
    public readonly record struct ImageShape(int Channels, int Height, int Width)
    {
        /// <summary>Values per image: C x H x W.</summary>
        public int Size => Channels * Height * Width;

        /// <summary>The input shape of a network described by <paramref name="options"/>.</summary>
        internal static ImageShape InputOf(StNetworkOptions options) =>
            new(options.InputChannels, options.InputHeight, options.InputWidth);

        /// <summary>The shape as "[C, H, W]".</summary>
        public override string ToString() => $"[{Channels}, {Height}, {Width}]";

        /// <summary>ML.NET's name of a vector type of this shape, as it appears in schema messages.</summary>
        public string VectorTypeName => $"Vector<Single, {Channels}, {Height}, {Width}>";

        /// <summary>
        /// Throws ML.NET's schema-mismatch error unless <paramref name="type"/> holds images of this shape: a float
        /// vector of <see cref="Size"/> values, or (for 3 channels) an ML.NET image of this height and width.
        /// </summary>
        internal void CheckColumn(IExceptionContext ectx, string schemaName, string columnName, DataViewType type)
        {
            if (type is ImageDataViewType image && image.Height == Height && image.Width == Width && Channels == 3)
                return;
            if (type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single
                || vector.Size != Size)
                throw ectx.ExceptSchemaMismatch(schemaName, "input", columnName, VectorTypeName, type.ToString());
        }

        /// <summary>
        /// Resolves the image shape of <paramref name="type"/>, or throws ML.NET's schema-mismatch error for the
        /// column.
        /// </summary>
        internal static ImageShape Resolve(IExceptionContext ectx, string columnName, DataViewType type,
            int channels, int height, int width)
        {
            if (type is ImageDataViewType image)
            {
                if (image.Height <= 0 || image.Width <= 0)
                    throw ectx.ExceptSchemaMismatch("inputSchema", "input", columnName,
                        "an image of known size (use ResizeImages) or Vector<Single, C, H, W>", type.ToString());
                return new ImageShape(3, image.Height, image.Width);
            }
            if (type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
                throw ectx.ExceptSchemaMismatch("inputSchema", "input", columnName, Expected(channels, height, width),
                    type.ToString());
            if (!vector.IsKnownSize)
                throw ectx.ExceptSchemaMismatch("inputSchema", "input", columnName,
                    Expected(channels, height, width) + " (a known-size vector)", type.ToString());
            return FromDimensions(ectx, columnName, vector.Dimensions, type.ToString(), channels, height, width);
        }

        /// <summary>
        /// As <see cref="Resolve"/>, for an estimator's <see cref="SchemaShape.Column"/> (no dimensions known there).
        /// </summary>
        internal static void CheckShapeColumn(IExceptionContext ectx, SchemaShape.Column column, int channels,
            int height, int width)
        {
            if (column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType is ImageDataViewType) return;
            if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
                throw ectx.ExceptSchemaMismatch("inputSchema", "input", column.Name, Expected(channels, height, width),
                    column.GetTypeString());
        }

        internal static ImageShape FromDimensions(IExceptionContext ectx, string columnName,
            ImmutableArray<int> dimensions,
            string actual, int channels, int height, int width)
        {
            ImageShape shape;
            if (dimensions.Length == 3)
                shape = new ImageShape(dimensions[0], dimensions[1], dimensions[2]);
            else if (dimensions.Length == 2)
                shape = new ImageShape(1, dimensions[0], dimensions[1]);
            else if (height > 0 && width > 0)
                shape = new ImageShape(channels > 0 ? channels : 1, height, width);
            else
                throw ectx.ExceptSchemaMismatch("inputSchema", "input", columnName,
                    "Vector<Single, C, H, W> (or set ImageChannels, ImageHeight and ImageWidth for a flat vector)",
                    actual);

            int size = 1;
            foreach (int d in dimensions) size *= d;
            bool userGiven = height > 0 && width > 0;
            if (userGiven && dimensions.Length >= 2
                && (shape.Height != height || shape.Width != width || (channels > 0 && shape.Channels != channels)))
                throw ectx.ExceptSchemaMismatch("inputSchema", "input", columnName,
                    Expected(channels, height, width), actual);
            if (shape.Size != size)
                throw ectx.ExceptSchemaMismatch("inputSchema", "input", columnName, shape.VectorTypeName, actual);
            return shape;
        }

        private static string Expected(int channels, int height, int width) =>
            height > 0 && width > 0 ? new ImageShape(channels > 0 ? channels : 1, height, width).VectorTypeName
                : "Vector<Single, C, H, W>";
    }
}
