using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SpatialTransformer.Onnx
{
    /// <summary>
    /// Converts the scoring part of a fitted pipeline to ONNX through ML.NET's converter, starting at a given column
    /// (the pixel vector an image pipeline's ExtractPixels writes): the steps before it (LoadImages, ResizeImages,
    /// which have no ONNX form) are left out, and so are the steps whose outputs scoring does not use (MapValueToKey of
    /// the label). The graph's inputs are the columns the kept steps read at that point: the pixel column alone for
    /// ExtractPixels -> (MapValueToKey) -> StCnn -> MapKeyToValue. Its outputs are the prediction's columns (Score,
    /// PredictedLabel) and those of the steps after the last predictor.
    /// </summary>
    internal static class PixelPipelineExport
    {
        public static void Convert(ModelOperationsCatalog catalog, IHostEnvironment env, ITransformer model,
            IDataView inputData,
            string pixelColumnName, Stream stream)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            if (inputData is null) throw new ArgumentNullException(nameof(inputData));
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            var steps = Flatten(model).ToList();
            var schemas = new List<DataViewSchema> { inputData.Schema }; // schemas[i]: the input of steps[i]
            foreach (var step in steps) schemas.Add(step.GetOutputSchema(schemas[^1]));

            int first = pixelColumnName is null ? 0 : FirstStepAfter(pixelColumnName, steps, schemas);
            var outputs = ScoringOutputs(steps, schemas, first);
            var kept = StepsScoringNeeds(steps, schemas, first, outputs, out var inputNames);
            if (pixelColumnName is not null && !inputNames.Contains(pixelColumnName))
                throw new ArgumentException($"No step after column '{pixelColumnName}' reads it: " +
                    "nothing to export from there.",
                    nameof(pixelColumnName));

            // The graph's inputs: the needed columns as they are at the start (types, sizes, annotations), pixels
            // first.
            var builder = new DataViewSchema.Builder();
            foreach (var column in schemas[first].Where(c => !c.IsHidden && inputNames.Contains(c.Name))
                .OrderBy(c => c.Name == pixelColumnName ? 0 : 1))
                builder.AddColumn(column.Name, column.Type, column.Annotations);
            IDataView root = new EmptyDataView(env, builder.ToSchema());

            // Each step converted alone first, so a step that cannot be exported is named (ML.NET's message does not).
            IDataView view = root;
            foreach (int i in kept)
            {
                try
                {
                    catalog.ConvertToOnnx(steps[i], view, Stream.Null);
                    view = steps[i].Transform(view);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new InvalidOperationException(CannotExport(steps, schemas, i, pixelColumnName, e.Message), e);
                }
            }
            var chain = new TransformerChain<ITransformer>(kept.Select(i => steps[i]).ToArray());
            catalog.ConvertToOnnx(chain, root, stream, outputs.ToArray());
        }

        /// <summary>A pipeline's steps in order, nested chains opened.</summary>
        internal static IEnumerable<ITransformer> Flatten(ITransformer model)
        {
            if (model is IEnumerable<ITransformer> chain)
            {
                foreach (var inner in chain)
                    foreach (var step in Flatten(inner)) yield return step;
            }
            else yield return model;
        }

        // The index of the step after the one that first writes the column (0 when the input data has it already).
        private static int FirstStepAfter(string column, IReadOnlyList<ITransformer> steps,
            IReadOnlyList<DataViewSchema> schemas)
        {
            for (int i = 0; i < schemas.Count; i++)
            {
                if (schemas[i].GetColumnOrNull(column) is DataViewSchema.Column c)
                {
                    if (c.Type is not VectorDataViewType { ItemType: NumberDataViewType n } v
                        || n != NumberDataViewType.Single || v.Size == 0)
                        throw new ArgumentException($"Schema mismatch for input column '{column}': expected " +
                            $"known-size vector of Single, got {c.Type}.",
                            "pixelColumnName");
                    return i;
                }
            }
            var vectors = schemas.SelectMany(s => s)
                .Where(c => !c.IsHidden && c.Type is VectorDataViewType { ItemType: NumberDataViewType })
                .Select(c => $"'{c.Name}'").Distinct();
            throw new ArgumentException($"Column '{column}' not found: neither the input data nor any of the " +
                $"model's {steps.Count} steps "
                + $"writes it. Numeric vector columns of the pipeline: {string.Join(", ", vectors)}.",
                "pixelColumnName");
        }

        // The columns scoring gives: those written by the last prediction transformer and every step after it
        // (or by every exported step when there is no predictor).
        private static List<string> ScoringOutputs(IReadOnlyList<ITransformer> steps,
            IReadOnlyList<DataViewSchema> schemas, int first)
        {
            int from = first;
            for (int i = steps.Count - 1; i >= first; i--)
            {
                if (steps[i] is IPredictionTransformer<object>)
                {
                    from = i;
                    break;
                }
            }
            var names = new List<string>();
            for (int i = from; i < steps.Count; i++)
                names.AddRange(Written(schemas[i], schemas[i + 1]).Select(c => c.Name));
            return names.Distinct().Where(n => schemas[^1].GetColumnOrNull(n) is { IsHidden: false }).ToList();
        }

        // Walking back from the outputs: the steps that write a column scoring needs; inputNames: what they read at the
        // start.
        private static List<int> StepsScoringNeeds(IReadOnlyList<ITransformer> steps,
            IReadOnlyList<DataViewSchema> schemas, int first,
            IEnumerable<string> outputs, out HashSet<string> inputNames)
        {
            var needed = new HashSet<string>(outputs);
            var kept = new List<int>();
            for (int i = steps.Count - 1; i >= first; i--)
            {
                var written = Written(schemas[i], schemas[i + 1]).Where(c => needed.Contains(c.Name)).ToList();
                if (written.Count == 0) continue; // serves only what scoring does not give (the label's keys)
                kept.Add(i);
                foreach (var c in written) needed.Remove(c.Name);
                var mapper = steps[i].GetRowToRowMapper(schemas[i]);
                foreach (var read in mapper.GetDependencies(written)) needed.Add(read.Name);
            }
            kept.Reverse();
            inputNames = needed;
            return kept;
        }

        // The columns a step adds or replaces: a row-to-row step appends them after its input's columns.
        private static IEnumerable<DataViewSchema.Column> Written(DataViewSchema input, DataViewSchema output) =>
            output.Where(c => !c.IsHidden
                && (c.Index >= input.Count || input.GetColumnOrNull(c.Name) is not { } old || old.Type != c.Type));

        private static string CannotExport(IReadOnlyList<ITransformer> steps,
            IReadOnlyList<DataViewSchema> schemas, int i,
            string pixelColumnName, string reason)
        {
            var writes = Written(schemas[i], schemas[i + 1]).Select(c => $"'{c.Name}'").ToList();
            string step = $"Step {i + 1} of {steps.Count} ({steps[i].GetType().Name}"
                + (writes.Count > 0 ? $", writing {string.Join(", ", writes)})" : ")");
            var pixels = Enumerable.Range(i + 1, steps.Count - i - 1)
                .SelectMany(j => Written(schemas[j], schemas[j + 1]))
                .Where(c => c.Type is VectorDataViewType { ItemType: NumberDataViewType n }
                    && n == NumberDataViewType.Single)
                .Select(c => c.Name).FirstOrDefault();
            string from = pixelColumnName is null ? "the pipeline's input" : $"column '{pixelColumnName}'";
            string hint = pixels is null ? "" : $" Export from the pixel vector on instead: "
                + $"mlContext.Model.ConvertToOnnxFromPixels(model, data, \"{pixels}\", stream).";
            return $"{step} cannot be exported to ONNX, so the model cannot be converted from " +
                $"{from} on: {reason}{hint}";
        }
    }
}
