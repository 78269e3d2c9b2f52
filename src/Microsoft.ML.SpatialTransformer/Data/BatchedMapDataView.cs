using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// An IDataView that adds model outputs to its source, computing them a batch of rows at a time (one native call
    /// per batch instead of per row). The output schema comes from ML.NET's own ColumnBindings, as
    /// RowToRowMapperTransform's: new names are appended, a reused name goes right after the source column it hides. It
    /// is an ML.NET data transform with a source, so mlContext.Model.ConvertToOnnx can walk through it and ask it to
    /// write its ONNX nodes. Added columns are float vectors, UInt32 keys (one float per row holding the key's
    /// value), or text read from the row's floats by the map's <see cref="BatchedVectorMap.TextDecoders"/>.
    /// </summary>
    internal sealed class BatchedMapDataView : ITransformCanSaveOnnx
    {
        private readonly IHost _host;
        private readonly IDataView _source;
        private readonly BatchedVectorMap _map;
        private readonly ColumnBindings _bindings;
        private readonly Action<OnnxContext> _saveAsOnnx;
        private readonly int _batchSize;

        /// <param name="host">For errors and checks.</param>
        /// <param name="source">The rows the outputs are computed from; its columns pass through.</param>
        /// <param name="addedColumns">The output columns, in the map's output order.</param>
        /// <param name="map">Computes the outputs of a batch of rows.</param>
        /// <param name="saveAsOnnx">Writes the map's ONNX nodes into ML.NET's converter; null where it has
        /// none.</param>
        public BatchedMapDataView(IHost host, IDataView source, DataViewSchema.DetachedColumn[] addedColumns,
            BatchedVectorMap map,
            Action<OnnxContext> saveAsOnnx = null)
        {
            _host = host;
            _source = source;
            _saveAsOnnx = saveAsOnnx;
            map.Validate();
            _host.Check(addedColumns.Length == map.OutputSizes.Length, "one output size per added column is needed");
            for (int i = 0; i < addedColumns.Length; i++)
                _host.Check(addedColumns[i].Type is not TextDataViewType || map.TextDecoders?[i] is not null,
                    $"the text column '{addedColumns[i].Name}' needs a decoder");
            _map = map;
            _batchSize = map.EffectiveBatchSize(source.GetRowCount());
            _bindings = new ColumnBindings(source.Schema, addedColumns);
        }

        public bool CanShuffle => false;

        public IDataView Source => _source;

        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => _saveAsOnnx is not null;

        void ISaveAsOnnx.SaveAsOnnx(OnnxContext ctx)
        {
            _host.Check(_saveAsOnnx is not null, "This view has no ONNX form.");
            _saveAsOnnx(ctx);
        }

        // A view is not a model: ML.NET saves the transformer that made it (mlContext.Model.Save), never this.
        void ICanSaveModel.Save(ModelSaveContext ctx) =>
            throw _host.ExceptNotSupp("Save the transformer with mlContext.Model.Save; its transformed view " +
                "cannot be saved on its own.");

        public DataViewSchema Schema => _bindings.Schema;

        public long? GetRowCount() => _source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            var active = new bool[Schema.Count];
            foreach (var c in columnsNeeded) active[c.Index] = true;
            // Source columns the consumer reads through us, and whether any added column is read.
            var sourceRead = new bool[_source.Schema.Count];
            bool anyOutput = false;
            for (int i = 0; i < active.Length; i++)
            {
                if (!active[i]) continue;
                int index = _bindings.MapColumnIndex(out bool isSource, i);
                if (isSource) sourceRead[index] = true;
                else anyOutput = true;
            }
            var sourceActive = _source.Schema.Where(c => sourceRead[c.Index]
                || (anyOutput && _map.InputColumns.Contains(c.Index)));
            return new Cursor(this, _source.GetRowCursor(sourceActive), active, sourceRead, anyOutput);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n,
            Random rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly BatchedMapDataView _parent;
            private readonly DataViewRowCursor _source;
            private readonly bool[] _active;
            private readonly bool _computeOutputs;
            private readonly ReadInto[] _inputReaders;
            private readonly float[][] _inputs;
            private readonly float[][] _outputs;
            private readonly ColumnBuffer[] _passThrough;
            private readonly ScalarColumnBuffer<DataViewRowId> _ids;
            private int _filled;
            private int _slot = -1;
            private long _position = -1;
            private bool _sourceDone;

            public Cursor(BatchedMapDataView parent, DataViewRowCursor source, bool[] active, bool[] sourceRead,
                bool computeOutputs)
            {
                _parent = parent;
                _source = source;
                _active = active;
                _computeOutputs = computeOutputs;
                var map = parent._map;
                int batch = parent._batchSize;
                if (computeOutputs)
                {
                    _inputReaders = map.InputColumns.Select(i =>
                        InputReader.Create(parent._host, source, source.Schema[i])).ToArray();
                    _inputs = map.InputSizes.Select(s => new float[batch * s]).ToArray();
                    _outputs = map.OutputSizes.Select(s => new float[batch * s]).ToArray();
                }
                _passThrough = new ColumnBuffer[source.Schema.Count];
                for (int i = 0; i < _passThrough.Length; i++)
                    if (sourceRead[i]) _passThrough[i] = ColumnBuffer.Create(source, source.Schema[i], batch);
                _ids = new ScalarColumnBuffer<DataViewRowId>(source.GetIdGetter(), batch);
            }

            public override DataViewSchema Schema => _parent.Schema;

            public override long Position => _position;

            public override long Batch => 0;

            public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

            public override bool MoveNext()
            {
                _slot++;
                if (_slot >= _filled)
                {
                    if (_sourceDone || !Fill()) return false;
                    _slot = 0;
                }
                _position++;
                return true;
            }

            private bool Fill()
            {
                var map = _parent._map;
                _filled = 0;
                while (_filled < _parent._batchSize)
                {
                    if (!_source.MoveNext())
                    {
                        _sourceDone = true;
                        break;
                    }
                    for (int c = 0; _computeOutputs && c < _inputReaders.Length; c++)
                    {
                        int size = map.InputSizes[c];
                        _inputReaders[c](_inputs[c].AsSpan(_filled * size, size));
                    }
                    foreach (var buffer in _passThrough) buffer?.Capture(_filled);
                    _ids.Capture(_filled);
                    _filled++;
                }
                if (_filled == 0) return false;
                if (_computeOutputs) map.Map(_inputs, _filled, _position + 1, _outputs);
                return true;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                _parent._host.Check(_active[column.Index], $"Column '{column.Name}' is not active in this cursor.");
                int index = _parent._bindings.MapColumnIndex(out bool isSource, column.Index);
                if (isSource)
                    return (ValueGetter<TValue>)_passThrough[index].MakeGetter(() => _slot);
                int output = index;
                int size = _parent._map.OutputSizes[output];
                if (column.Type is KeyDataViewType { RawType: var raw } && raw == typeof(uint) && size == 1)
                {
                    // A key column (a predicted label) travels in the float buffers as its value, exact below 2^24.
                    ValueGetter<uint> key = (ref uint dst) => dst = (uint)_outputs[output][_slot];
                    return key as ValueGetter<TValue>
                        ?? throw _parent._host.Except(
                            $"Column '{column.Name}' is {column.Type}; asked for {typeof(TValue)}.");
                }
                if (column.Type is TextDataViewType)
                {
                    var decode = _parent._map.TextDecoders[output];
                    ValueGetter<ReadOnlyMemory<char>> text = (ref ReadOnlyMemory<char> dst) =>
                        dst = decode(_outputs[output].AsSpan(_slot * size, size)).AsMemory();
                    return text as ValueGetter<TValue>
                        ?? throw _parent._host.Except($"Column '{column.Name}' is Text; asked for {typeof(TValue)}.");
                }
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
                {
                    var editor = VBufferEditor.Create(ref dst, size);
                    _outputs[output].AsSpan(_slot * size, size).CopyTo(editor.Values);
                    dst = editor.Commit();
                };
                return getter as ValueGetter<TValue>
                    ?? throw _parent._host.Except($"Column '{column.Name}' is Vector<Single>; " +
                        $"asked for {typeof(TValue)}.");
            }

            public override ValueGetter<DataViewRowId> GetIdGetter()
                => (ValueGetter<DataViewRowId>)_ids.MakeGetter(() => _slot);

            protected override void Dispose(bool disposing)
            {
                if (disposing) _source.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
