using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.ML.SpatialTransformer.Persistence;
using System.Text;

namespace Microsoft.ML.SpatialTransformer.Visualization
{
    /// <summary>index.md: every rendered row's picture with its caption, in one Markdown table.</summary>
    internal static class ExplanationIndex
    {
        public const string FileName = "index.md";

        public static string Write(string directory, IReadOnlyList<ExplainedRow> rows, IReadOnlyList<string> files,
            SpatialTransformConfig config, float black, float white)
        {
            var text = new StringBuilder();
            text.AppendLine("# Spatial transformer explanations").AppendLine();
            text.AppendLine($"Each picture: the input ({config.InputShape}) | the transformer's output " +
                           $"({config.OutputShape}) | " +
                           "the input with the output's sampling grid. " +
                           Invariant($"Pixel values {black:G4} (black) to {white:G4} (white), the ") +
                               Invariant($"same scale for every panel; ") +
                           "values beyond are clipped.");
            text.AppendLine();
            text.AppendLine("| row | input \\| output \\| sampling grid | true label | prediction | theta |");
            text.AppendLine("|---|---|---|---|---|");
            for (int i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                string prediction = r.Predicted is null ? ""
                    : Invariant($"{Cell(r.Predicted)} (p = {r.Probability:F3})") +
                    (r.Correct == false ? " **wrong**" : "");
                string theta = ThetaCaption.Describe(config.Kind, r.Theta, config.InputShape.Width,
                    config.InputShape.Height);
                text.AppendLine(Invariant($"| {r.Position} | ![row {r.Position}]({Path.GetFileName(files[i])})") +
                                Invariant($" | {Cell(r.TrueLabel)} | ") + $"{prediction} | {theta} |");
            }
            string path = Path.Combine(directory, FileName);
            string temp = Path.Combine(directory, "." + FileName + ".tmp");
            File.WriteAllText(temp, text.ToString());
            File.Move(temp, path, overwrite: true);
            return path;
        }

        // A table cell's text: pipes and line breaks would end the cell.
        private static string Cell(string value)
            => value is null ? "" : value.Replace("|", "\\|").Replace("\n", " ").Replace("\r", "");

        private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
