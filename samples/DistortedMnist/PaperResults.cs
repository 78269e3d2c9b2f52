using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Modules;
using Stn.Datasets.Distortions;

namespace DistortedMnist
{
    /// <summary>
    /// Test error (%) reported by Jaderberg et al. 2015 (Table 1 and the addition experiment), for comparison.
    /// </summary>
    public static class PaperResults
    {
        public static double? Error(DistortionKind distortion, ClassifierKind model, SpatialTransformKind transform)
        {
            bool cnn = model == ClassifierKind.Cnn;
            return (distortion, transform) switch
            {
                (DistortionKind.Rotation, SpatialTransformKind.None) => cnn ? 1.2 : 2.1,
                (DistortionKind.RotationTranslationScale, SpatialTransformKind.None) => cnn ? 0.8 : 5.2,
                (DistortionKind.Projective, SpatialTransformKind.None) => cnn ? 1.5 : 3.1,
                (DistortionKind.Elastic, SpatialTransformKind.None) => cnn ? 1.4 : 3.2,
                (DistortionKind.Rotation, SpatialTransformKind.Affine) => cnn ? 0.7 : 1.2,
                (DistortionKind.Rotation, SpatialTransformKind.Projective) => cnn ? 0.8 : 1.3,
                (DistortionKind.Rotation, SpatialTransformKind.ThinPlateSpline) => cnn ? 0.7 : 1.1,
                (DistortionKind.RotationTranslationScale, SpatialTransformKind.Affine) => cnn ? 0.5 : 0.8,
                (DistortionKind.RotationTranslationScale, SpatialTransformKind.Projective) => cnn ? 0.6 : 0.9,
                (DistortionKind.RotationTranslationScale, SpatialTransformKind.ThinPlateSpline) => cnn ? 0.5 : 0.8,
                (DistortionKind.Projective, SpatialTransformKind.Affine) => cnn ? 0.8 : 1.5,
                (DistortionKind.Projective, SpatialTransformKind.Projective) => cnn ? 0.8 : 1.4,
                (DistortionKind.Projective, SpatialTransformKind.ThinPlateSpline) => cnn ? 0.8 : 1.4,
                (DistortionKind.Elastic, SpatialTransformKind.Affine) => cnn ? 1.2 : 2.7,
                (DistortionKind.Elastic, SpatialTransformKind.Projective) => cnn ? 1.3 : 2.6,
                (DistortionKind.Elastic, SpatialTransformKind.ThinPlateSpline) => cnn ? 1.1 : 2.4,
                (DistortionKind.TranslatedCluttered, SpatialTransformKind.None) => cnn ? 3.5 : 13.2,
                (DistortionKind.TranslatedCluttered, _) => cnn ? 1.7 : 2.0,
                (DistortionKind.Addition, SpatialTransformKind.None) => cnn ? 14.7 : 47.7,
                (DistortionKind.Addition, _) => cnn ? null : 5.8, // 2xST-FCN; the paper reports no ST-CNN here
                _ => null,
            };
        }
    }
}
