using System;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// Runs a spatial transform on rows held in managed buffers, one native call per batch, under no_grad inside one
    /// dispose scope; results are copied out before the scope closes. Safe to call from several threads.
    /// inputs[c] holds rows * InputSizes[c] values; outputs[o] receives rows * OutputSizes[o] values.
    /// </summary>
    internal interface ISpatialTransformRunner
    {
        int[] InputSizes { get; }
        int[] OutputSizes { get; }
        void Run(float[][] inputs, int rows, long firstRow, float[][] outputs);
    }
}
