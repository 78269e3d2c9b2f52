using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Visualization;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Shows what a spatial transformer does to given rows: one PNG per row with the input, the transformer's output and
    /// the input with the transformer's sampling grid drawn over it (where an n x n lattice of output pixels reads from).
    /// </summary>
    public static class SpatialTransformExplanations
    {
        /// <summary>
        /// Writes <c>row0.png</c>, <c>row1.png</c>, ... into <paramref name="directory"/> for the first
        /// <paramref name="maxRows"/> rows of <paramref name="data"/> and returns their paths. Works for learned and
        /// given-theta transformers alike (theta is read from the transformer's theta column).
        /// </summary>
        /// <param name="transformer">The spatial transformer to explain.</param>
        /// <param name="data">Rows holding the transformer's input column (and, for a given-theta transformer, its theta column).</param>
        /// <param name="directory">Where the PNGs go; created if missing.</param>
        /// <param name="maxRows">How many rows to render.</param>
        /// <param name="zoom">How many screen pixels each image pixel takes.</param>
        /// <param name="gridLines">Cells per side of the drawn sampling grid.</param>
        public static IReadOnlyList<string> SaveExplanations(this SpatialTransformTransformer transformer, IDataView data, string directory,
            int maxRows = 8, int zoom = 4, int gridLines = 8)
        {
            if (transformer is null) throw new ArgumentNullException(nameof(transformer));
            if (data is null) throw new ArgumentNullException(nameof(data));
            if (string.IsNullOrWhiteSpace(directory)) throw new ArgumentException("A directory is required.", nameof(directory));
            if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "maxRows must be at least 1.");
            if (zoom < 1) throw new ArgumentOutOfRangeException(nameof(zoom), zoom, "zoom must be at least 1.");
            if (gridLines < 1) throw new ArgumentOutOfRangeException(nameof(gridLines), gridLines, "gridLines must be at least 1.");

            var config = transformer.Config;
            var host = transformer.Environment;
            var transformed = transformer.Transform(data); // batched: reading stops after maxRows, so only the batches holding them run
            var schema = transformed.Schema;
            var input = Column(schema, config.InputColumnName, "input");
            var output = Column(schema, config.OutputColumnName, "output");
            var theta = Column(schema, config.ThetaColumnName, "theta");

            Directory.CreateDirectory(directory);
            var files = new List<string>();
            var image = new float[config.InputShape.Size];
            using var cursor = transformed.GetRowCursor(new[] { input, output, theta });
            var readInput = InputReader.Create(host, cursor, input);
            var readOutput = cursor.GetGetter<VBuffer<float>>(output);
            var readTheta = cursor.GetGetter<VBuffer<float>>(theta);
            VBuffer<float> warped = default, parameters = default;
            while (files.Count < maxRows && cursor.MoveNext())
            {
                readInput(image);
                readOutput(ref warped);
                readTheta(ref parameters);
                var lattice = SamplingLattice(config.Kind, parameters.DenseValues().ToArray(), config.TpsGridSize, gridLines + 1);
                var withGrid = Panel.FromImage(image, config.InputShape, zoom);
                withGrid.DrawLattice(lattice, gridLines + 1);
                string path = Path.Combine(directory, $"row{files.Count}.png");
                Panel.SaveSideBySide(new[]
                {
                    Panel.FromImage(image, config.InputShape, zoom),
                    Panel.FromImage(warped.DenseValues().ToArray(), config.OutputShape, zoom),
                    withGrid,
                }, path);
                files.Add(path);
            }
            return files;
        }

        private static DataViewSchema.Column Column(DataViewSchema schema, string name, string role) =>
            schema.GetColumnOrNull(name) ?? throw new ArgumentException($"The data has no {role} column '{name}' after the transformer.", nameof(schema));

        /// <summary>
        /// Where each point of an n x n output lattice samples the input, in normalised coordinates: the grid theta
        /// generates for an n x n output (pixel centres, align_corners = false). [n*n] (x, y)
        /// </summary>
        internal static (double X, double Y)[] SamplingLattice(SpatialTransformKind kind, float[] theta, int tpsGridSize, int n)
        {
            using var scope = NewDisposeScope();
            var grid = TransformFamily.Grid(kind, tensor(theta).unsqueeze(0), n, n, tpsGridSize); // [1,n,n,2]
            var values = grid.contiguous().data<float>().ToArray();
            return Enumerable.Range(0, n * n).Select(k => ((double)values[2 * k], (double)values[2 * k + 1])).ToArray();
        }
    }
}
