using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Onnx;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// One mode of a fitted spatial transform (given theta or learned): the columns it reads and adds, how it runs,
    /// what it saves after the configuration and its ONNX form, so the transformer asks the runner instead of the
    /// mode.
    /// </summary>
    /// <remarks>
    /// <see cref="Run"/> runs rows held in managed buffers, one native call per batch, under no_grad inside one dispose
    /// scope; results are copied out before the scope closes. Safe to call from several threads. inputs[c] holds rows *
    /// InputSizes[c] values; outputs[o] receives rows * OutputSizes[o] values.
    /// </remarks>
    internal interface ISpatialTransformRunner
    {
        int[] InputSizes { get; }
        int[] OutputSizes { get; }
        void Run(float[][] inputs, int rows, long firstRow, float[][] outputs);

        /// <summary>The trained module of learned mode; null in given-theta mode (for inspection by tests).</summary>
        SpatialTransformerModule LearnedModule { get; }

        /// <summary>
        /// The indices in <paramref name="schema"/> of the columns <see cref="Run"/> reads, in its input order, each
        /// checked against the configuration (errors through <paramref name="ectx"/>).
        /// </summary>
        int[] FindInputColumns(IExceptionContext ectx, DataViewSchema schema);

        /// <summary>The columns the transform adds, in <see cref="Run"/>'s output order.</summary>
        DataViewSchema.DetachedColumn[] OutputColumns { get; }

        /// <summary>
        /// Writes what this mode saves after the configuration (see SpatialTransformConfig's layout).
        /// </summary>
        void Save(ModelSaveContext ctx);

        /// <summary>
        /// Adds this mode's theta and the warp of <paramref name="image"/> to <paramref name="graph"/>; returns the
        /// warped value [N,C,H',W'].
        /// </summary>
        string EmitOnnx(SpatialTransformOnnxGraph graph, string image);
    }
}
