namespace Stn.Datasets.Distortions
{
    /// <summary>The paper's distorted-MNIST variants (PAPER.md, "Distorted MNIST" and "MNIST addition").</summary>
    public enum DistortionKind
    {
        /// <summary>R: rotation uniform in [-90°, +90°], 28x28.</summary>
        Rotation = 0,
        /// <summary>RTS: rotation in [-45°, +45°], scale in [0.7, 1.2], random position in a 42x42 canvas.</summary>
        RotationTranslationScale = 1,
        /// <summary>P: scale in [0.75, 1.0], then each corner moved by N(0, 5 px): a projective warp, 28x28.</summary>
        Projective = 2,
        /// <summary>
        /// E: scale in [0.75, 1.0], then a 4x4 thin plate spline whose control points move by N(0, 1.5 px), 28x28.
        /// </summary>
        Elastic = 3,
        /// <summary>
        /// TC: the digit at a random position in a 60x60 canvas plus six 6x6 crops of other digits as clutter.
        /// </summary>
        TranslatedCluttered = 4,
        /// <summary>
        /// MNIST addition: two 42x42 channels, each an RTS-distorted digit; the label is their sum (19 classes).
        /// </summary>
        Addition = 5,
    }
}
