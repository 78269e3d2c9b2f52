using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer
{
    public sealed partial class SpatialTransformTransformer
    {
        // The row-by-row path (PredictionEngine, GetRowToRowMapper): the runner's columns, one run per row. A nested
        // class because ML.NET's MapperBase is protected inside RowToRowTransformerBase.
        private sealed class Mapper : MapperBase
        {
            private readonly SpatialTransformTransformer _parent;

            public Mapper(SpatialTransformTransformer parent, DataViewSchema inputSchema)
                : base(parent.Host.Register(nameof(Mapper)), inputSchema, parent)
            {
                _parent = parent;
                InputIndices = parent._runner.FindInputColumns(Host, inputSchema);
            }

            /// <summary>Source columns the runner reads, in its input order.</summary>
            public int[] InputIndices { get; }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => _parent._runner.OutputColumns;

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
            {
                bool any = Enumerable.Range(0, OutputColumns.Value.Length).Any(activeOutput);
                return col => any && InputIndices.Contains(col);
            }

            protected override void SaveModel(ModelSaveContext ctx) => _parent.SaveModel(ctx);

            // One run per row feeds every output column's getter.
            public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput,
                out Action disposer)
            {
                disposer = null;
                var runner = _parent._runner;
                var readers = InputIndices.Select(i => InputReader.Create(Host, input, input.Schema[i])).ToArray();
                var inputs = runner.InputSizes.Select(s => new float[s]).ToArray();
                var outputs = runner.OutputSizes.Select(s => new float[s]).ToArray();
                long cached = -1;
                void Compute()
                {
                    if (cached == input.Position) return;
                    for (int c = 0; c < readers.Length; c++)
                        readers[c](inputs[c]);
                    runner.Run(inputs, 1, input.Position, outputs);
                    cached = input.Position;
                }
                var getters = new Delegate[outputs.Length];
                for (int o = 0; o < outputs.Length; o++)
                {
                    if (!activeOutput(o)) continue;
                    var values = outputs[o];
                    getters[o] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                    {
                        Compute();
                        var editor = VBufferEditor.Create(ref dst, values.Length);
                        values.AsSpan().CopyTo(editor.Values);
                        dst = editor.Commit();
                    });
                }
                return getters;
            }

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput,
                out Action disposer)
                => CreateGetters(input, i => i == iinfo, out disposer)[iinfo];
        }
    }
}
