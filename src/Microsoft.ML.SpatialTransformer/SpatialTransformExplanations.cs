using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Visualization;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Shows what a spatial transformer does to given rows: one PNG per row with the input, the transformer's output
    /// and the input with the transformer's sampling grid drawn over it (where an n x n lattice of output pixels reads
    /// from), and an index page (index.md) that shows them together with their captions: the true label where given,
    /// the prediction and its probability where the rows were scored, and theta in words (angle, scale, shift; a box
    /// for attention).
    /// </summary>
    public static class SpatialTransformExplanations
    {
        /// <summary>
        /// Writes <c>row0.png</c>, <c>row1.png</c>, ... and <c>index.md</c> into <paramref name="directory"/> for the
        /// first
        /// <paramref name="maxRows"/> rows of <paramref name="data"/> and returns the PNGs' paths. Works for learned
        /// and given-theta transformers alike (theta is read from the transformer's theta column).
        /// </summary>
        /// <param name="transformer">The spatial transformer to explain.</param>
        /// <param name="data">Rows holding the transformer's input column (and, for a given-theta transformer, its
        /// theta column).</param>
        /// <param name="directory">Where the files go; created if missing.</param>
        /// <param name="maxRows">How many rows to render.</param>
        /// <param name="zoom">How many screen pixels each image pixel takes.</param>
        /// <param name="gridLines">Cells per side of the drawn sampling grid.</param>
        public static IReadOnlyList<string> SaveExplanations(this SpatialTransformTransformer transformer,
            IDataView data, string directory,
            int maxRows = 8, int zoom = 4, int gridLines = 8)
        {
            if (maxRows < 1)
                throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "maxRows must be at least 1.");
            if (zoom < 1) throw new ArgumentOutOfRangeException(nameof(zoom), zoom, "zoom must be at least 1.");
            if (gridLines < 1)
                throw new ArgumentOutOfRangeException(nameof(gridLines), gridLines, "gridLines must be at least 1.");
            return SaveExplanations(transformer, data, directory,
                new ExplanationOptions { MaxRows = maxRows, Zoom = zoom, GridLines = gridLines });
        }

        /// <summary>
        /// As <see cref="SaveExplanations(SpatialTransformTransformer, IDataView, string, int, int, int)"/>, with the
        /// rows, captions and pixel scale chosen by <paramref name="options"/>. Pass rows a trained model scored
        /// (<c>model.Transform(data)</c>) for predictions in the captions, and set
        /// <see cref="ExplanationOptions.LabelColumnName"/> for the truth and to pick misclassified rows.
        /// </summary>
        public static IReadOnlyList<string> SaveExplanations(this SpatialTransformTransformer transformer,
            IDataView data, string directory,
            ExplanationOptions options)
        {
            if (transformer is null) throw new ArgumentNullException(nameof(transformer));
            if (data is null) throw new ArgumentNullException(nameof(data));
            if (string.IsNullOrWhiteSpace(directory))
                throw new ArgumentException("A directory is required.", nameof(directory));
            if (options is null) throw new ArgumentNullException(nameof(options));
            CheckAtLeastOne(options.MaxRows, "MaxRows");
            CheckAtLeastOne(options.Zoom, "Zoom");
            CheckAtLeastOne(options.GridLines, "GridLines");
            CheckAtLeastOne(options.RowsPerClass, "RowsPerClass");
            if (options.BlackValue.HasValue != options.WhiteValue.HasValue
                || options.BlackValue is float b
                && (!float.IsFinite(b) || !float.IsFinite(options.WhiteValue.Value) || options.WhiteValue <= b))
                throw new ArgumentException("BlackValue and WhiteValue are set together, finite, with " +
                                            "WhiteValue above BlackValue; " +
                                            $"got {options.BlackValue?.ToString() ?? "null"} and " +
                                            $"{options.WhiteValue?.ToString() ?? "null"}.", nameof(options));

            var config = transformer.Config;
            // Batched: reading stops once the rows are chosen, so only the batches holding them run.
            var rows = ExplanationRowReader.Read(transformer.Environment, config, transformer.Transform(data), options);
            var (black, white) = options.BlackValue is float black0 ? (black0, options.WhiteValue.Value) : Range(rows);

            Directory.CreateDirectory(directory);
            var files = new List<string>();
            foreach (var row in rows)
            {
                int n = options.GridLines + 1;
                var withGrid = Panel.FromImage(row.Input, config.InputShape, options.Zoom, black, white);
                withGrid.DrawLattice(SamplingLattice(config.Kind, row.Theta, config.TpsGridSize, n), n);
                string path = Path.Combine(directory, $"row{files.Count}.png");
                Panel.SaveSideBySide(new[]
                {
                    Panel.FromImage(row.Input, config.InputShape, options.Zoom, black, white),
                    Panel.FromImage(row.Output, config.OutputShape, options.Zoom, black, white),
                    withGrid,
                }, path);
                files.Add(path);
            }
            ExplanationIndex.Write(directory, rows, files, config, black, white);
            return files;
        }

        private static void CheckAtLeastOne(int value, string name)
        {
            if (value < 1) throw new ArgumentOutOfRangeException("options", value,
                $"ExplanationOptions.{name} must be at least 1; got {value}.");
        }

        // One scale for all rendered inputs (outputs are samples of them, or zero padding).
        private static (float Black, float White) Range(IReadOnlyList<ExplainedRow> rows)
        {
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (var row in rows)
                foreach (float v in row.Input)
                    if (float.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
            return float.IsFinite(min) ? (min, max) : (0f, 1f);
        }

        /// <summary>
        /// Where each point of an n x n output lattice samples the input, in normalised coordinates: the grid theta
        /// generates for an n x n output (pixel centres, align_corners = false). [n*n] (x, y)
        /// </summary>
        internal static (double X, double Y)[] SamplingLattice(SpatialTransformKind kind, float[] theta,
            int tpsGridSize, int n)
        {
            using var scope = NewDisposeScope();
            var grid = TransformFamily.Grid(kind, tensor(theta).unsqueeze(0), n, n, tpsGridSize); // [1,n,n,2]
            var values = grid.contiguous().data<float>().ToArray();
            return Enumerable.Range(0, n * n).Select(k => ((double)values[2 * k], (double)values[2 * k + 1])).ToArray();
        }
    }
}
