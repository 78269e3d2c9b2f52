using System;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets.Data;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// Generated images with their labels and ground-truth transforms, as arrays and as an IDataView.
    /// <para>Theta convention: the parameters of <see cref="ThetaKind"/> in the core library's convention
    /// (<c>TransformFamily.Grid</c>): they map each pixel of the distorted image (the output) to the point of the
    /// source digit it was sampled from, both in normalised coordinates (align_corners = false, -1..1 over each image's
    /// outer edges; the source is the 28x28 digit, the output the canvas). So <c>GridSampling.Sample(source,
    /// TransformFamily.Grid( ThetaKind, theta, Height, Width))</c> with bilinear sampling and zero padding re-creates
    /// the image (without clutter). A network that undoes the distortion needs the inverse map. Multi-channel sets
    /// (addition) hold one parameter set per channel, channel 0 first.</para>
    /// </summary>
    public sealed class DistortedImageSet
    {
        internal DistortedImageSet(DistortionKind kind, int seed, int count, int channels, int height, int width,
            SpatialTransformKind thetaKind)
        {
            Kind = kind;
            Seed = seed;
            Count = count;
            Channels = channels;
            Height = height;
            Width = width;
            ThetaKind = thetaKind;
            ThetaLength =
                channels * Microsoft.ML.SpatialTransformer.Functional.TransformFamily.ParameterCount(thetaKind);
            Images = new float[(long)count * channels * height * width];
            Labels = new uint[count];
            Theta = new float[(long)count * ThetaLength];
            SourceIndices = new int[(long)count * channels];
        }

        /// <summary>The distortion that made the set.</summary>
        public DistortionKind Kind { get; }

        /// <summary>The seed it was made with.</summary>
        public int Seed { get; }

        /// <summary>Number of samples N.</summary>
        public int Count { get; }

        /// <summary>Channels C per image (2 for addition, else 1).</summary>
        public int Channels { get; }

        /// <summary>Rows H of each image.</summary>
        public int Height { get; }

        /// <summary>Columns W of each image.</summary>
        public int Width { get; }

        /// <summary>Values per image, C x H x W.</summary>
        public int ImageSize => Channels * Height * Width;

        /// <summary>The transform family of the ground truth of each channel.</summary>
        public SpatialTransformKind ThetaKind { get; }

        /// <summary>Ground-truth parameters per sample P: C x ParameterCount(ThetaKind).</summary>
        public int ThetaLength { get; }

        /// <summary>The images, [N, C, H, W] row-major, in [0, 1].</summary>
        public float[] Images { get; }

        /// <summary>The labels: the digit, or the sum of both digits for addition.</summary>
        public uint[] Labels { get; }

        /// <summary>The ground-truth parameters, [N, P] (see the type's remarks for the convention).</summary>
        public float[] Theta { get; }

        /// <summary>The index in the source set of the digit in each channel, [N, C].</summary>
        public int[] SourceIndices { get; }

        /// <summary>Image <paramref name="index"/>, [C, H, W].</summary>
        public Span<float> GetImage(int index) => Images.AsSpan(CheckIndex(index) * ImageSize, ImageSize);

        /// <summary>The ground-truth parameters of sample <paramref name="index"/>, [P].</summary>
        public Span<float> GetTheta(int index) => Theta.AsSpan(CheckIndex(index) * ThetaLength, ThetaLength);

        /// <summary>
        /// An IDataView with columns Image (Vector&lt;Single, C, H, W&gt;), Label (UInt32) and Theta (Vector&lt;Single,
        /// P&gt;); see <see cref="DatasetColumns"/>.
        /// </summary>
        public IDataView ToDataView(MLContext mlContext) =>
            ImageDataViews.Distorted(mlContext, Images, Labels, Theta, Channels, Height, Width, ThetaLength);

        private int CheckIndex(int index)
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in [0, {Count - 1}].");
            return index;
        }
    }
}
