using System.IO;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Onnx;

namespace Microsoft.ML
{
    /// <summary>ONNX conversion of image pipelines, whose image loading steps have no ONNX form.</summary>
    public static class OnnxConversionCatalog
    {
        /// <summary>
        /// As <c>mlContext.Model.ConvertToOnnx(model, inputData, stream)</c> (ML.NET's converter, opset 12, run by
        /// ONNX Runtime), but from the pixel vector on: for LoadImages -> ResizeImages -> ExtractPixels ->
        /// MapValueToKey -> StCnn -> MapKeyToValue, whose first two steps have no ONNX form, the graph starts at
        /// <paramref name="pixelColumnName"/>. Its input is that column, as a float tensor [N, C, H, W] (the column's
        /// dimensions) named after it; steps that only serve the label (MapValueToKey of the label) are left out, so no
        /// label is fed at scoring time; its outputs are the prediction's columns and those of the steps after the last
        /// predictor, named <c>&lt;column&gt;.output</c> (Score.output; PredictedLabel.output as the 1-based key, and
        /// after MapKeyToValue the label's own values). Feed pixels exactly as ExtractPixels gives them (same channel
        /// order, scale and offset): the steps before the pixel column are not part of the graph.
        /// </summary>
        /// <param name="catalog">mlContext.Model.</param>
        /// <param name="model">The fitted pipeline (a TransformerChain; nested chains are opened).</param>
        /// <param name="inputData">Data of the pipeline's input schema (only its schema is read).</param>
        /// <param name="pixelColumnName">The column the graph starts at: a known-size vector of Single written by a
        /// step of <paramref name="model"/> or present in <paramref name="inputData"/>. Null exports every step from
        /// the pipeline's input on (the label-only steps still left out).</param>
        /// <param name="stream">Where the ONNX model is written.</param>
        /// <exception cref="System.ArgumentException">No step writes <paramref name="pixelColumnName"/>, or it is not a
        /// known-size vector of Single, or no exported step reads it.</exception>
        /// <exception cref="System.InvalidOperationException">A step to export has no ONNX form; the message names the
        /// step (its position, type and the columns it writes) and the pixel column to export from instead.</exception>
        public static void ConvertToOnnxFromPixels(this ModelOperationsCatalog catalog, ITransformer model,
            IDataView inputData,
            string pixelColumnName, Stream stream)
            => PixelPipelineExport.Convert(catalog, CatalogUtils.GetEnvironment(catalog), model, inputData,
                pixelColumnName, stream);
    }
}
