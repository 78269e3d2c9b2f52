using System;
using Microsoft.ML;
using Stn.Datasets.Idx;

namespace Stn.Datasets.Data
{
    /// <summary>
    /// Single-channel images with one label each, as read from IDX files: bytes, [count, height, width] row-major.
    /// The source of every distortion generator; <see cref="ToDataView"/> gives the ML.NET view (see <see
    /// cref="DatasetColumns"/>).
    /// </summary>
    public sealed class LabeledImageSet
    {
        /// <summary>
        /// Wraps <paramref name="pixels"/> [count, height, width] and <paramref name="labels"/> [count] (not copied).
        /// </summary>
        public LabeledImageSet(byte[] pixels, byte[] labels, int height, int width)
        {
            if (pixels is null) throw new ArgumentNullException(nameof(pixels));
            if (labels is null) throw new ArgumentNullException(nameof(labels));
            if (height <= 0) throw new ArgumentException($"height must be positive; got {height}.", nameof(height));
            if (width <= 0) throw new ArgumentException($"width must be positive; got {width}.", nameof(width));
            if (pixels.LongLength != (long)labels.Length * height * width)
                throw new ArgumentException(
                    $"pixels must hold {labels.Length} x {height} x {width} = {(long)labels.Length * height * width} " +
                    $"bytes for {labels.Length} labels; got {pixels.LongLength}.",
                    nameof(pixels));
            Pixels = pixels;
            Labels = labels;
            Height = height;
            Width = width;
        }

        /// <summary>
        /// Pairs an image file [count, rows, columns] with a label file [count]; the names (file paths) are for error
        /// messages.
        /// </summary>
        public static LabeledImageSet FromIdx(IdxArray images, string imagesName, IdxArray labels, string labelsName)
        {
            if (images is null) throw new ArgumentNullException(nameof(images));
            if (labels is null) throw new ArgumentNullException(nameof(labels));
            if (images.Dimensions.Length != 3)
                throw new System.IO.InvalidDataException($"IDX file '{imagesName}' must hold images [count, rows, " +
                    $"columns]: expected 3 dimensions, got {images}.");
            if (labels.Dimensions.Length != 1)
                throw new System.IO.InvalidDataException($"IDX file '{labelsName}' must hold labels [count]: " +
                    $"expected 1 dimension, got {labels}.");
            if (images.Dimensions[0] != labels.Dimensions[0])
                throw new System.IO.InvalidDataException(
                    $"IDX file '{labelsName}' must hold one label per image of '{imagesName}': expected " +
                    $"{images.Dimensions[0]} labels, got {labels.Dimensions[0]}.");
            return new LabeledImageSet(images.Data, labels.Data, images.Dimensions[1], images.Dimensions[2]);
        }

        /// <summary>Number of images.</summary>
        public int Count => Labels.Length;

        /// <summary>Rows of each image.</summary>
        public int Height { get; }

        /// <summary>Columns of each image.</summary>
        public int Width { get; }

        /// <summary>Pixels per image (Height x Width).</summary>
        public int ImageSize => Height * Width;

        /// <summary>All pixels, [count, height, width] row-major, 0 = background. Shared, not copied.</summary>
        public byte[] Pixels { get; }

        /// <summary>The label of each image. Shared, not copied.</summary>
        public byte[] Labels { get; }

        /// <summary>The pixels of image <paramref name="index"/>, [height, width].</summary>
        public ReadOnlySpan<byte> GetPixels(int index)
        {
            CheckIndex(index);
            return Pixels.AsSpan(index * ImageSize, ImageSize);
        }

        /// <summary>
        /// Copies image <paramref name="index"/> into <paramref name="destination"/>, scaled to [0, 1] (byte / 255).
        /// </summary>
        public void CopyImage(int index, Span<float> destination)
        {
            var pixels = GetPixels(index);
            if (destination.Length < pixels.Length)
                throw new ArgumentException($"destination must hold {pixels.Length} values; got {destination.Length}.",
                    nameof(destination));
            for (int i = 0; i < pixels.Length; i++) destination[i] = pixels[i] / 255f;
        }

        /// <summary>The first <paramref name="count"/> images (copied).</summary>
        public LabeledImageSet Take(int count)
        {
            if (count < 0 || count > Count)
                throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be in [0, {Count}].");
            return new LabeledImageSet(Pixels.AsSpan(0, count * ImageSize).ToArray(), Labels.AsSpan(0, count).ToArray(),
                Height, Width);
        }

        /// <summary>The images as IDX [count, height, width].</summary>
        public IdxArray ImagesAsIdx() => new IdxArray(new[] { Count, Height, Width }, Pixels);

        /// <summary>The labels as IDX [count].</summary>
        public IdxArray LabelsAsIdx() => new IdxArray(new[] { Count }, Labels);

        /// <summary>
        /// An IDataView with columns Image (Vector&lt;Single, 1, Height, Width&gt;, in [0, 1]) and Label (UInt32); see
        /// <see cref="DatasetColumns"/>. Rows are converted lazily from the bytes.
        /// </summary>
        public IDataView ToDataView(MLContext mlContext) => ImageDataViews.Labeled(mlContext, this);

        private void CheckIndex(int index)
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in [0, {Count - 1}].");
        }
    }
}
