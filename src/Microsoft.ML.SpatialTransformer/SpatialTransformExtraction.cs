using Microsoft.ML.SpatialTransformer.Persistence;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// The one way from a trained <see cref="StNetwork"/> to a standalone learned
    /// <see cref="SpatialTransformTransformer"/> (StCnnModelParameters.GetSpatialTransformer, and the SpatialTransform
    /// estimator's label-trained mode): the configuration read off the network and its spatial transformer, and a copy
    /// of the transformer's weights with the network's input normalisation.
    /// </summary>
    internal static class SpatialTransformExtraction
    {
        /// <param name="env">The returned transformer's host.</param>
        /// <param name="network">The trained network; left as it is (the transformer holds its own copy).</param>
        /// <param name="index">Which spatial transformer, in <see cref="StNetwork.Transformers"/>' order; checked by
        /// the caller.</param>
        /// <param name="outputColumnName">The warped image column added.</param>
        /// <param name="inputColumnName">The image column read.</param>
        /// <param name="thetaColumnName">The theta column added.</param>
        /// <param name="batchSize">Rows per native call of the transformer's Transform.</param>
        public static SpatialTransformTransformer FromNetwork(IHostEnvironment env, StNetwork network, int index,
            string outputColumnName, string inputColumnName, string thetaColumnName, int batchSize)
        {
            var o = network.Options;
            var st = network.Transformers.ElementAt(index);
            var shape = ImageShape.InputOf(o);
            var config = new SpatialTransformConfig(outputColumnName, inputColumnName, thetaColumnName, o.Transform,
                shape, (int)st.OutputHeight, (int)st.OutputWidth, o.TpsGridSize, o.Sampling, o.Padding, batchSize)
            {
                Learned = true,
                Localisation = o.Localisation,
                LocalisationWidths = o.LocalisationWidths,
                InputNormalization = o.InputNormalization,
            };
            var module = config.CreateModule();
            try { SpatialTransformerCopy.Load(module, st, network.InputNormalisation); }
            catch { module.Dispose(); throw; }
            return new SpatialTransformTransformer(env, config, module);
        }
    }
}
