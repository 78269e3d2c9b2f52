using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Training;

namespace Microsoft.ML.SpatialTransformer.Trainers
{
    /// <summary>
    /// The label of a sequence model: a text column of 1 to <see cref="Positions"/> digits ("307"), read as one class
    /// per
    /// position, 0-9 for a digit and <see cref="None"/> past the sequence's end. An empty value is a missing label (the
    /// row
    /// is skipped, as ML.NET's trainers skip rows with missing labels); anything else that is not 1-5 digits is an
    /// error
    /// naming the column.
    /// </summary>
    internal sealed class DigitSequenceLabels : LabelFormat
    {
        /// <summary>Digit positions the model reads (the paper's SVHN models: 5).</summary>
        public const int MaxPositions = 5;
        /// <summary>Classes per position: the 10 digits and "none".</summary>
        public const int ClassesPerPosition = 11;
        /// <summary>The class of a position past the sequence's end.</summary>
        public const int None = 10;

        public static DigitSequenceLabels Instance { get; } = new DigitSequenceLabels();

        public override int Positions => MaxPositions;

        public override RowLabelReader CreateReader(IExceptionContext ectx, DataViewRow row,
            DataViewSchema.Column column)
        {
            CheckColumn(ectx, column, "input");
            var getLabel = row.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> text = default;
            return classes =>
            {
                getLabel(ref text);
                if (text.IsEmpty) return false;
                Parse(ectx, column.Name, text.Span, classes);
                return true;
            };
        }

        /// <summary>Throws ML.NET's schema mismatch unless <paramref name="column"/> is a text column.</summary>
        public static void CheckColumn(IExceptionContext ectx, DataViewSchema.Column column, string schemaName)
        {
            if (column.Type is not TextDataViewType)
                throw ectx.ExceptSchemaMismatch(schemaName, "label", column.Name, "String", column.Type.ToString());
        }

        /// <summary>Writes the class of each position of <paramref name="text"/> into <paramref name="classes"/>
        /// (length 5).</summary>
        public static void Parse(IExceptionContext ectx, string columnName, ReadOnlySpan<char> text, Span<int> classes)
        {
            if (text.Length > MaxPositions)
                throw ectx.Except($"The label column '{columnName}' must hold 1 to {MaxPositions} digits; " +
                    $"got '{Shown(text)}' ({text.Length} characters).");
            for (int p = 0; p < MaxPositions; p++)
            {
                if (p >= text.Length) { classes[p] = None; continue; }
                char c = text[p];
                if (c < '0' || c > '9')
                    throw ectx.Except($"The label column '{columnName}' must hold only the digits '0'-'9'; " +
                        $"got '{Shown(text)}' (character '{c}' at position {p}).");
                classes[p] = c - '0';
            }
        }

        /// <summary>The sequence of the per-position classes: the digits up to the first "none".</summary>
        public static string Format(ReadOnlySpan<int> classes)
        {
            Span<char> digits = stackalloc char[MaxPositions];
            int length = 0;
            while (length < classes.Length && classes[length] != None)
            {
                digits[length] = (char)('0' + classes[length]);
                length++;
            }
            return new string(digits.Slice(0, length));
        }

        private static string Shown(ReadOnlySpan<char> text) =>
            text.Length <= 40 ? text.ToString() : text.Slice(0, 40).ToString() + "...";
    }
}
