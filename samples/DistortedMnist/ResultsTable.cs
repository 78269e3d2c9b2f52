using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Spectre.Console;
using Stn.Datasets.Distortions;

namespace DistortedMnist
{
    /// <summary>
    /// The results in the shape of the paper's Table 1: test error (%) per model, ours beside the paper's.
    /// </summary>
    public static class ResultsTable
    {
        public static string Abbreviation(DistortionKind kind) => kind switch
        {
            DistortionKind.Rotation => "R",
            DistortionKind.RotationTranslationScale => "RTS",
            DistortionKind.Projective => "P",
            DistortionKind.Elastic => "E",
            DistortionKind.TranslatedCluttered => "TC",
            _ => "ADD",
        };

        public static Table ToConsole(DistortionKind distortion, IReadOnlyList<ModelResult> results)
        {
            string d = Abbreviation(distortion);
            var table = new Table().Title($"Distorted MNIST ({d}): test error %")
                .AddColumns("model", $"{d} (ours)", $"{d} (paper)", "epochs", "train s");
            foreach (var r in results)
                table.AddRow(r.Name, F(r.ErrorPercent), r.PaperErrorPercent is double p ? F(p) : "-",
                    r.Epochs.ToString(), r.TrainingSeconds.ToString("F0", CultureInfo.InvariantCulture));
            return table;
        }

        public static string ToMarkdown(DistortionKind distortion, IReadOnlyList<ModelResult> results, string command,
            int trainRows, int testRows)
        {
            string d = Abbreviation(distortion);
            var text = new StringBuilder();
            text.AppendLine($"Command: `{command}`  ");
            text.AppendLine($"{trainRows} training and {testRows} test digits, {d}-distorted.");
            text.AppendLine();
            text.AppendLine($"| model | {d} error % (ours) | {d} error % (paper) | epochs | training s |");
            text.AppendLine("|---|---|---|---|---|");
            foreach (var r in results)
                text.AppendLine($"| {r.Name} | {F(r.ErrorPercent)} | {(r.PaperErrorPercent is double p ? F(p) : "-")}" +
                    $" | {r.Epochs} | {r.TrainingSeconds.ToString("F0", CultureInfo.InvariantCulture)} |");
            return text.ToString();
        }

        private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
    }
}
