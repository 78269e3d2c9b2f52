using Microsoft.ML.SpatialTransformer.Functional;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Functional
{
    /// <summary>Transform kinds (with TPS grid sizes) that every functional test runs over.</summary>
    public static class Kinds
    {
        public static TheoryData<SpatialTransformKind, int> All => new()
        {
            { SpatialTransformKind.Affine, 4 },
            { SpatialTransformKind.Attention, 4 },
            { SpatialTransformKind.Similarity, 4 },
            { SpatialTransformKind.Translation, 4 },
            { SpatialTransformKind.Projective, 4 },
            { SpatialTransformKind.ThinPlateSpline, 2 },
            { SpatialTransformKind.ThinPlateSpline, 3 },
            { SpatialTransformKind.ThinPlateSpline, 4 },
            { SpatialTransformKind.ThinPlateSpline, 5 },
        };

        /// <summary>Identity theta repeated for <paramref name="batch"/> rows. [N,P]</summary>
        public static Tensor Identity(SpatialTransformKind kind, int tps, int batch,
            ScalarType dtype = ScalarType.Float32) =>
            tensor(TransformFamily.IdentityParameters(kind, tps)).to_type(dtype).unsqueeze(0).expand(batch, -1)
                .contiguous();

        /// <summary>
        /// Identity plus small, non-round offsets (no sample lands on a pixel centre, where bilinear has kinks). [N,P]
        /// </summary>
        public static Tensor Perturbed(SpatialTransformKind kind, int tps, int batch,
            ScalarType dtype = ScalarType.Float64)
        {
            var identity = Identity(kind, tps, batch, dtype);
            var offsets = arange(identity.numel(), dtype: dtype).reshape(identity.shape);
            return identity + 0.0173 * sin(offsets * 1.37 + 0.41);
        }
    }
}
