using System;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>Writes one row's class index per position into the span; false when the row's label is missing
    /// (skipped).</summary>
    internal delegate bool RowLabelReader(Span<int> classes);

    /// <summary>
    /// How a label column becomes class indices for training: one per row (<see cref="Key"/>, the classifiers) or one
    /// per
    /// position of a sequence (the network's logits are then [N, Positions x classes per position]).
    /// </summary>
    internal abstract class LabelFormat
    {
        /// <summary>A key column: one 0-based class per row; key 0 (missing) skips the row.</summary>
        public static LabelFormat Key { get; } = new KeyLabelFormat();

        /// <summary>Class indices per row (1 for a plain classifier).</summary>
        public abstract int Positions { get; }

        /// <summary>A reader of <paramref name="column"/> on <paramref name="row"/>; errors name the column through
        /// <paramref name="ectx"/>.</summary>
        public abstract RowLabelReader CreateReader(IExceptionContext ectx, DataViewRow row,
            DataViewSchema.Column column);

        private sealed class KeyLabelFormat : LabelFormat
        {
            public override int Positions => 1;

            public override RowLabelReader CreateReader(IExceptionContext ectx, DataViewRow row,
                DataViewSchema.Column column)
            {
                var getLabel = row.GetGetter<uint>(column);
                uint key = 0;
                return classes =>
                {
                    getLabel(ref key);
                    if (key == 0) return false;
                    classes[0] = (int)key - 1;
                    return true;
                };
            }
        }
    }
}
