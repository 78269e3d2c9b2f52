using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;

namespace Microsoft.ML
{
    /// <summary>Spatial transformer extensions of <see cref="TransformsCatalog"/>.</summary>
    public static class SpatialTransformCatalog
    {
        /// <summary>
        /// Warps the images of <paramref name="inputColumnName"/> by the transform of each row's
        /// <paramref name="thetaColumnName"/> (parameters of <paramref name="transform"/>) into <paramref
        /// name="outputColumnName"/>. With <paramref name="labelColumnName"/>, Fit instead learns the transform from
        /// labelled images (a localisation network trained end to end), and <paramref name="thetaColumnName"/> becomes
        /// an output: the theta of each row.
        /// </summary>
        /// <param name="catalog">The transform catalog.</param>
        /// <param name="outputColumnName">Name of the warped image column, Vector&lt;Single, C, H', W'&gt;.</param>
        /// <param name="inputColumnName">Name of the image column, Vector&lt;Single, C, H, W&gt;; null means <paramref
        /// name="outputColumnName"/>.</param>
        /// <param name="thetaColumnName">Name of the transform-parameter column, Vector&lt;Single, P&gt;: an input, or
        /// with
        /// <paramref name="labelColumnName"/> an output.</param>
        /// <param name="transform">The transform family of the parameters (as in the StCnn trainer).</param>
        /// <param name="outputHeight">Output height; 0 keeps the input's.</param>
        /// <param name="outputWidth">Output width; 0 keeps the input's.</param>
        /// <param name="labelColumnName">Name of a key-typed label column to learn the transform from; null (the
        /// default) warps by the given theta column. Other settings of learning are in <see
        /// cref="SpatialTransformEstimator.Options"/>.</param>
        public static SpatialTransformEstimator SpatialTransform(this TransformsCatalog catalog,
            string outputColumnName,
            string inputColumnName = null, string thetaColumnName = SpatialTransformEstimator.Defaults.ThetaColumnName,
            SpatialTransformKind transform = SpatialTransformEstimator.Defaults.Transform, int outputHeight = 0,
            int outputWidth = 0,
            string labelColumnName = null)
            => new SpatialTransformEstimator(CatalogUtils.GetEnvironment(catalog), new SpatialTransformEstimator.Options
            {
                OutputColumnName = outputColumnName,
                InputColumnName = inputColumnName,
                ThetaColumnName = thetaColumnName,
                Transform = transform,
                OutputHeight = outputHeight,
                OutputWidth = outputWidth,
                LabelColumnName = labelColumnName,
            });

        /// <summary>
        /// The SpatialTransform estimator with every setting of <see cref="SpatialTransformEstimator.Options"/>: it
        /// warps images by a theta column, or, with a label column or the CoLocalisation objective, learns the
        /// transform at Fit (see <see cref="SpatialTransformEstimator"/>).
        /// </summary>
        public static SpatialTransformEstimator SpatialTransform(this TransformsCatalog catalog,
            SpatialTransformEstimator.Options options)
            => new SpatialTransformEstimator(CatalogUtils.GetEnvironment(catalog), options);
    }
}
