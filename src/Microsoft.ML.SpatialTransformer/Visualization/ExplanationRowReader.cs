using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Persistence;

namespace Microsoft.ML.SpatialTransformer.Visualization
{
    /// <summary>
    /// Reads the rows to explain from a spatial transformer's output: images and theta, and where the data has them the
    /// true label and the prediction (the score vector's largest entry, named by its slot names), choosing rows as
    /// <see cref="ExplanationOptions.Rows"/> asks.
    /// </summary>
    internal static class ExplanationRowReader
    {
        public static List<ExplainedRow> Read(IHostEnvironment host, SpatialTransformConfig config,
            IDataView transformed,
            ExplanationOptions options)
        {
            var schema = transformed.Schema;
            var input = Column(schema, config.InputColumnName, "input");
            var output = Column(schema, config.OutputColumnName, "output");
            var theta = Column(schema, config.ThetaColumnName, "theta");
            var label = options.LabelColumnName is null ? (DataViewSchema.Column?)null
                : schema.GetColumnOrNull(options.LabelColumnName)
                  ?? throw new ArgumentException($"The data has no label column '{options.LabelColumnName}'.",
                      nameof(options));
            var score = options.ScoreColumnName is null ? null : schema.GetColumnOrNull(options.ScoreColumnName);
            if (score is { Type: not VectorDataViewType { ItemType: NumberDataViewType, IsKnownSize: true } })
                throw new ArgumentException($"Score column '{options.ScoreColumnName}' must be a " +
                                            "known-size vector of numbers; " +
                                            $"got {score.Value.Type}.", nameof(options));
            if (options.Rows == ExplanationRows.Misclassified && (label is null || score is null))
                throw new ArgumentException("Showing misclassified rows needs the true label " +
                                            "(LabelColumnName) and a score column " +
                                            $"('{options.ScoreColumnName}'): pass the rows a trained model scored.",
                                            nameof(options));
            if (options.Rows == ExplanationRows.PerClass && label is null && score is null)
                throw new ArgumentException("Showing rows per class needs a label column " +
                                            "(LabelColumnName) or a score column " +
                                            $"('{options.ScoreColumnName}').", nameof(options));

            var columns = new List<DataViewSchema.Column> { input, output, theta };
            if (label is not null) columns.Add(label.Value);
            if (score is not null) columns.Add(score.Value);
            using var cursor = transformed.GetRowCursor(columns);
            var readInput = InputReader.Create(host, cursor, input);
            var readOutput = cursor.GetGetter<VBuffer<float>>(output);
            var readTheta = cursor.GetGetter<VBuffer<float>>(theta);
            var readLabel = label is null ? null : LabelReader(cursor, label.Value);
            var readScore = score is null ? null : RowCursorUtils.GetVecGetterAs<float>(NumberDataViewType.Single,
                cursor, score.Value.Index);
            // Score slot i is class key i + 1: without slot names (numeric labels), the label's key values name the
            // classes.
            string[] classNames = score is null ? null
                : SlotNames(score.Value)
                ?? (label?.Type is KeyDataViewType ? KeyValueTexts(label.Value, AnnotationUtils.Kinds.KeyValues)
                    : null);

            var rows = new List<ExplainedRow>();
            var perClass = new Dictionary<string, int>();
            VBuffer<float> warped = default, parameters = default, scores = default;
            while (rows.Count < options.MaxRows && cursor.MoveNext())
            {
                (string Text, int? Index) truth = readLabel?.Invoke() ?? (null, null);
                string predicted = null;
                float? probability = null;
                bool? correct = null;
                if (readScore is not null)
                {
                    readScore(ref scores);
                    var values = scores.DenseValues().ToArray();
                    int best = ArgMax(values);
                    predicted = classNames?[best] ?? best.ToString(CultureInfo.InvariantCulture);
                    probability = values[best];
                    // Key labels match score slots by index (slot i is key i + 1); other labels by their text.
                    if (truth.Text is not null)
                        correct = truth.Index is int index ? index == best : truth.Text == predicted;
                }
                if (options.Rows == ExplanationRows.Misclassified && correct != false) continue;
                if (options.Rows == ExplanationRows.PerClass)
                {
                    string group = truth.Text ?? predicted;
                    perClass.TryGetValue(group, out int shown);
                    if (shown >= options.RowsPerClass) continue;
                    perClass[group] = shown + 1;
                }
                var image = new float[config.InputShape.Size];
                readInput(image);
                readOutput(ref warped);
                readTheta(ref parameters);
                rows.Add(new ExplainedRow(cursor.Position, image, warped.DenseValues().ToArray(),
                    parameters.DenseValues().ToArray(),
                    truth.Text, predicted, probability, correct));
            }
            return rows;
        }

        private static DataViewSchema.Column Column(DataViewSchema schema, string name, string role) =>
            schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The data has no {role} column '{name}' after the transformer.",
                nameof(schema));

        private static int ArgMax(float[] values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
            return best;
        }

        // The label as text, and for a key its 0-based index (null for a missing key).
        private static Func<(string Text, int? Index)> LabelReader(DataViewRow row, DataViewSchema.Column label)
        {
            if (label.Type is KeyDataViewType)
            {
                var getKey = RowCursorUtils.GetGetterAs<ulong>(NumberDataViewType.UInt64, row, label.Index);
                string[] names = KeyValueTexts(label, AnnotationUtils.Kinds.KeyValues);
                ulong key = 0;
                return () =>
                {
                    getKey(ref key);
                    if (key == 0) return ("(missing)", null);
                    int index = (int)(key - 1);
                    return (names is not null && index < names.Length ? names[index]
                        : key.ToString(CultureInfo.InvariantCulture), index);
                };
            }
            var getText = RowCursorUtils.GetGetterAs<ReadOnlyMemory<char>>(TextDataViewType.Instance, row, label.Index);
            ReadOnlyMemory<char> text = default;
            return () => { getText(ref text); return (text.ToString(), null); };
        }

        private static string[] SlotNames(DataViewSchema.Column score)
            => KeyValueTexts(score, AnnotationUtils.Kinds.SlotNames);

        // An annotation vector (key values, slot names) of any item type as text; null where the column has none.
        private static string[] KeyValueTexts(DataViewSchema.Column column, string kind)
        {
            if (column.Annotations.Schema.GetColumnOrNull(kind)?.Type is not VectorDataViewType vector) return null;
            var method = typeof(ExplanationRowReader)
                .GetMethod(nameof(AnnotationTexts), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(vector.ItemType.RawType);
            return (string[])method.Invoke(null, new object[] { column, kind });
        }

        private static string[] AnnotationTexts<T>(DataViewSchema.Column column, string kind)
        {
            VBuffer<T> values = default;
            column.Annotations.GetValue(kind, ref values);
            return values.DenseValues().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)).ToArray();
        }
    }
}
