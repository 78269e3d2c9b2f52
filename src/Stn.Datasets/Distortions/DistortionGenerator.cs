using System;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets.Data;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// A seeded generator of distorted digits: the same source, seed and settings give the same data byte for byte;
    /// each sample gets a fresh random distortion drawn from one <see cref="Random"/> seeded with the given seed (never
    /// the global torch RNG). Source images must be square (MNIST's 28x28).
    /// </summary>
    public abstract class DistortionGenerator
    {
        private protected DistortionGenerator() { }

        /// <summary>The distortion made.</summary>
        public abstract DistortionKind Kind { get; }

        /// <summary>Channels per generated image.</summary>
        public virtual int Channels => 1;

        /// <summary>The transform family of the ground truth stored per channel.</summary>
        public abstract SpatialTransformKind ThetaKind { get; }

        /// <summary>Side of the (square) generated images for sources of side <paramref name="sourceSize"/>.</summary>
        public abstract int OutputSize(int sourceSize);

        /// <summary>
        /// Generates <paramref name="count"/> samples (default: one per source image) from <paramref name="source"/>
        /// with
        /// <paramref name="seed"/>. Single-digit distortions use source image i mod source.Count for sample i.
        /// </summary>
        public DistortedImageSet Generate(LabeledImageSet source, int seed, int? count = null)
        {
            if (source is null) throw new ArgumentNullException(nameof(source));
            if (source.Count == 0)
                throw new ArgumentException("source must hold at least one image; got none.", nameof(source));
            if (source.Height != source.Width)
                throw new ArgumentException($"source images must be square; got {source.Height}x{source.Width}.",
                    nameof(source));
            int n = count ?? source.Count;
            if (n < 0) throw new ArgumentOutOfRangeException(nameof(count), n, "count must not be negative.");
            int size = OutputSize(source.Width);
            var set = new DistortedImageSet(Kind, seed, n, Channels, size, size, ThetaKind);
            GenerateCore(source, new Random(seed), set);
            return set;
        }

        /// <summary>A generator of <paramref name="kind"/> with the paper's settings.</summary>
        public static DistortionGenerator Create(DistortionKind kind) => kind switch
        {
            DistortionKind.Rotation => new RotationDistortion(),
            DistortionKind.RotationTranslationScale => new RtsDistortion(),
            DistortionKind.Projective => new ProjectiveDistortion(),
            DistortionKind.Elastic => new ElasticDistortion(),
            DistortionKind.TranslatedCluttered => new ClutterDistortion(),
            DistortionKind.Addition => new AdditionDistortion(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be a DistortionKind."),
        };

        /// <summary>
        /// Fills <paramref name="output"/>, drawing every random number from <paramref name="random"/> in a fixed
        /// order.
        /// </summary>
        private protected abstract void GenerateCore(LabeledImageSet source, Random random, DistortedImageSet output);

        /// <summary>
        /// Stores <paramref name="theta"/> (computed in doubles) as sample <paramref name="index"/>'s parameters of
        /// channel <paramref name="channel"/>.
        /// </summary>
        private protected static void StoreTheta(DistortedImageSet output, int index, int channel,
            ReadOnlySpan<double> theta)
        {
            var destination = output.GetTheta(index).Slice(channel * theta.Length, theta.Length);
            for (int p = 0; p < theta.Length; p++) destination[p] = (float)theta[p];
        }
    }
}
