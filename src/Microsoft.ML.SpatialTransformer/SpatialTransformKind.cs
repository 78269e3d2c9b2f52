namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// The transform family a spatial transformer regresses. Values are saved in models: never renumber them.
    /// </summary>
    public enum SpatialTransformKind
    {
        /// <summary>No spatial transformer: the plain baseline network.</summary>
        None = 0,
        /// <summary>Full affine, 6 parameters: the rows of A [2x3], source = A (x, y, 1).</summary>
        Affine = 1,
        /// <summary>Isotropic scale and translation, 3 parameters (s, tx, ty): source = (s x + tx, s y + ty).</summary>
        Attention = 2,
        /// <summary>Rotation, isotropic scale and translation, 4 parameters (angle in radians, s, tx, ty).</summary>
        Similarity = 3,
        /// <summary>Translation only, 2 parameters (tx, ty).</summary>
        Translation = 4,
        /// <summary>Homography with h33 = 1, 8 parameters (h11, h12, h13, h21, h22, h23, h31, h32).</summary>
        Projective = 5,
        /// <summary>
        /// Thin plate spline through K = k x k control points, 2K parameters: the source (x, y) of each control point.
        /// </summary>
        ThinPlateSpline = 6,
    }
}
