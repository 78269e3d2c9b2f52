using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// Holds one column's values for a batch of rows read ahead from a cursor, so they can be served again row by row
    /// after the batch's model outputs are computed. Vector values are copied: source getters may reuse their buffers.
    /// </summary>
    internal abstract class ColumnBuffer
    {
        public static ColumnBuffer Create(DataViewRow source, DataViewSchema.Column column, int capacity)
        {
            var raw = column.Type.RawType;
            var type = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
                ? typeof(VectorColumnBuffer<>).MakeGenericType(raw.GetGenericArguments()[0])
                : typeof(ScalarColumnBuffer<>).MakeGenericType(raw);
            return (ColumnBuffer)Activator.CreateInstance(type, source, column, capacity);
        }

        /// <summary>Reads the source's current row into <paramref name="slot"/>.</summary>
        public abstract void Capture(int slot);

        /// <summary>A getter serving the value held in the slot <paramref name="slot"/> returns.</summary>
        public abstract Delegate MakeGetter(Func<int> slot);
    }

    internal sealed class ScalarColumnBuffer<T> : ColumnBuffer
    {
        private readonly ValueGetter<T> _source;
        private readonly T[] _values;

        public ScalarColumnBuffer(DataViewRow source, DataViewSchema.Column column, int capacity)
            : this(source.GetGetter<T>(column), capacity)
        {
        }

        public ScalarColumnBuffer(ValueGetter<T> source, int capacity)
        {
            _source = source;
            _values = new T[capacity];
        }

        public override void Capture(int slot) => _source(ref _values[slot]);

        public override Delegate MakeGetter(Func<int> slot) => (ValueGetter<T>)((ref T dst) => dst = _values[slot()]);
    }

    internal sealed class VectorColumnBuffer<T> : ColumnBuffer
    {
        private readonly ValueGetter<VBuffer<T>> _source;
        private readonly VBuffer<T>[] _values;
        private VBuffer<T> _scratch;

        public VectorColumnBuffer(DataViewRow source, DataViewSchema.Column column, int capacity)
        {
            _source = source.GetGetter<VBuffer<T>>(column);
            _values = new VBuffer<T>[capacity];
        }

        public override void Capture(int slot)
        {
            _source(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate MakeGetter(Func<int> slot)
            => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) => _values[slot()].CopyTo(ref dst));
    }
}
