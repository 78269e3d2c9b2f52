using System;
using Microsoft.ML.SpatialTransformer.Functional;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Everything that defines an <see cref="StNetwork"/>'s architecture: enough to rebuild it when a model loads.
    /// ST-FCN, ST-CNN, the plain FCN/CNN baselines (Transform = None), the tutorial ST-CNN, parallel STs (MNIST
    /// addition, CUB) and STs in series (SVHN multi) are all settings of this one class.
    /// </summary>
    public sealed record StNetworkOptions
    {
        /// <summary>C, input channels; default 1.</summary>
        public int InputChannels { get; init; } = 1;
        /// <summary>H, input height in pixels; default 28.</summary>
        public int InputHeight { get; init; } = 28;
        /// <summary>W, input width in pixels; default 28.</summary>
        public int InputWidth { get; init; } = 28;
        /// <summary>K, classes of the output; default 10; 2 or more.</summary>
        public int Classes { get; init; } = 10;

        /// <summary>Transform family of every ST; None builds the plain classifier.</summary>
        public SpatialTransformKind Transform { get; init; } = SpatialTransformKind.Affine;
        /// <summary>Thin plate spline control points per side; default 4.</summary>
        public int TpsGridSize { get; init; } = TransformFamily.DefaultTpsGridSize;
        /// <summary>Localisation network architecture; default Cnn.</summary>
        public LocalisationNetworkKind Localisation { get; init; } = LocalisationNetworkKind.Cnn;
        /// <summary>Localisation widths; null or empty uses the architecture's defaults.</summary>
        public int[] LocalisationWidths { get; init; }
        /// <summary>Classifier architecture; default Cnn.</summary>
        public ClassifierKind Classifier { get; init; } = ClassifierKind.Cnn;
        /// <summary>Classifier widths; null or empty uses the architecture's defaults.</summary>
        public int[] ClassifierWidths { get; init; }

        /// <summary>
        /// STs side by side on the input, each feeding its own classifier branch (features concatenated).
        /// </summary>
        public int ParallelTransformers { get; init; } = 1;
        /// <summary>
        /// 0: STs at the input only. k > 0: an ST before each of the first k classifier stages (needs
        /// ParallelTransformers = 1).
        /// </summary>
        public int SeriesTransformers { get; init; }
        /// <summary>ST output height at the input (0: the input's).</summary>
        public int TransformOutputHeight { get; init; }
        /// <summary>ST output width at the input (0: the input's).</summary>
        public int TransformOutputWidth { get; init; }
        /// <summary>
        /// A 2x2 average pool after the input STs (the paper's RTS and TC models use the ST output at lower
        /// resolution).
        /// </summary>
        public bool DownsampleAfterTransform { get; init; }
        /// <summary>Sampling kernel of the STs; default Bilinear.</summary>
        public SamplingMode Sampling { get; init; } = SamplingMode.Bilinear;
        /// <summary>Value an ST samples outside its input; default Zeros.</summary>
        public PaddingMode Padding { get; init; } = PaddingMode.Zeros;
        /// <summary>Dropout rate before the classifier head; default 0; in [0, 1).</summary>
        public double Dropout { get; init; }
        /// <summary>Batch normalisation after each convolution of the Cnn classifier; default false.</summary>
        public bool BatchNorm { get; init; }
        /// <summary>
        /// Per-channel scaling of the input before everything else (statistics set by the trainer, saved with the
        /// weights); default None, which is also what models saved before the option existed load as.
        /// </summary>
        public InputNormalization InputNormalization { get; init; } = InputNormalization.None;
        /// <summary>
        /// Side, in feature-map pixels, that the convolutional localisation networks and classifiers average-pool their
        /// last feature map to (adaptively) before the first fully connected layer, where that map is larger; so the
        /// fully connected layers stop growing with the image. Default 0: off (also what models saved before the option
        /// existed load as); otherwise positive. FCN localisation networks and classifiers are not pooled.
        /// </summary>
        public int FullyConnectedInputSide { get; init; }

        /// <summary>Throws ArgumentException naming the first invalid setting.</summary>
        public void Validate()
        {
            Positive(InputChannels, nameof(InputChannels));
            Positive(InputHeight, nameof(InputHeight));
            Positive(InputWidth, nameof(InputWidth));
            if (Classes < 2)
                throw new ArgumentException($"{nameof(Classes)} must be at least 2; got {Classes}.", nameof(Classes));
            if (!Enum.IsDefined(Transform))
                throw new ArgumentException($"{nameof(Transform)} is not a transform kind: {(int)Transform}.",
                    nameof(Transform));
            if (Transform == SpatialTransformKind.ThinPlateSpline && TpsGridSize < 2)
                throw new ArgumentException($"{nameof(TpsGridSize)} must be at least 2; got {TpsGridSize}.",
                    nameof(TpsGridSize));
            Positive(ParallelTransformers, nameof(ParallelTransformers));
            if (SeriesTransformers < 0)
                throw new ArgumentException($"{nameof(SeriesTransformers)} must be 0 or positive; " +
                    $"got {SeriesTransformers}.", nameof(SeriesTransformers));
            if (SeriesTransformers > 0 && ParallelTransformers != 1)
                throw new ArgumentException($"{nameof(SeriesTransformers)} needs {nameof(ParallelTransformers)} = 1; " +
                    $"got {ParallelTransformers}.", nameof(SeriesTransformers));
            if (TransformOutputHeight < 0 || TransformOutputWidth < 0)
                throw new ArgumentException("The ST output size must be 0 (the input's) or positive; got " +
                    $"{TransformOutputHeight}x{TransformOutputWidth}.", nameof(TransformOutputHeight));
            if (!Enum.IsDefined(InputNormalization))
                throw new ArgumentException($"{nameof(InputNormalization)} is not a normalization kind: " +
                    $"{(int)InputNormalization}.", nameof(InputNormalization));
            if (FullyConnectedInputSide < 0)
                throw new ArgumentException(
                    $"{nameof(FullyConnectedInputSide)} must be 0 (off) or positive; got {FullyConnectedInputSide}.",
                    nameof(FullyConnectedInputSide));
            if (Dropout < 0 || Dropout >= 1)
                throw new ArgumentException($"{nameof(Dropout)} must be in [0, 1); got {Dropout}.", nameof(Dropout));
        }

        private static void Positive(int value, string name)
        {
            if (value <= 0) throw new ArgumentException($"{name} must be positive; got {value}.", name);
        }
    }
}
