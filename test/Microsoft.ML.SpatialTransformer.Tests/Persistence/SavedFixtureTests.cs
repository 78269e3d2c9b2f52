using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>
    /// Models saved by an earlier version load and compute the same bits: Resources/v2 holds, for each kind of model
    /// (colour StCnn with batch norm and a downsampling ST, parallel projective STs, a TPS ST in series,
    /// SpatialTransform by a given theta, learned from labels and by co-localisation, a digit-sequence reader), the
    /// saved model, probe rows and the model's output on them, written by `Stn.ModelRunner --write-fixtures` at that
    /// version.
    /// </summary>
    public class SavedFixtureTests
    {
        private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Persistence",
            "Resources", "v2");

        public static IEnumerable<object[]> Names => new[]
        {
            "stcnn-colour-v2", "stcnn-projective-parallel-v2", "stcnn-tps-series-v2", "st-given-v2", "st-learned-v2",
            "st-colocalisation-v2", "stcnn-sequence-v2",
        }.Select(n => new object[] { n });

        [Theory]
        [MemberData(nameof(Names))]
        public void AFixtureSavedByTheEarlierVersionLoadsAndTransformsItsProbeRowsBitForBit(string name)
        {
            var ml = new MLContext(1);
            var model = ml.Model.Load(Path.Combine(Fixtures, name + ".zip"), out _);
            var expected = ml.Data.LoadFromBinary(Path.Combine(Fixtures, name + ".output.idv"));
            var input = ml.Data.LoadFromBinary(Path.Combine(Fixtures, name + ".input.idv"));
            var actual = model.Transform(input);

            var expectedColumns = expected.Schema.Where(c => !c.IsHidden).ToArray();
            Assert.Equal(expectedColumns.Select(c => c.Name),
                actual.Schema.Where(c => !c.IsHidden).Select(c => c.Name));
            foreach (var column in expectedColumns)
            {
                var actualColumn = actual.Schema[column.Name];
                Assert.Equal(column.Type.ToString(), actualColumn.Type.ToString());
                var actualCells = ScoredRowByRowWhenSaved.Contains(name)
                    ? RowByRowCells(model, input, column.Name)
                    : Cells(actual, actualColumn);
                Assert.Equal(Cells(expected, column), actualCells);
            }
        }

        // Fixtures whose model's Transform scored one row per call when they were saved: the same computation now
        // runs through the row mapper (a PredictionEngine's path); their batched Transform is checked against it in
        // the model's own tests.
        private static readonly HashSet<string> ScoredRowByRowWhenSaved = new() { "stcnn-sequence-v2" };

        // Each cell of the column as text that is exact for floats (their bits), so equality is bitwise.
        private static List<string> Cells(IDataView data, DataViewSchema.Column column)
        {
            using var cursor = data.GetRowCursor(new[] { column });
            return Read(cursor, cursor, column);
        }

        // The same, computed by the model's row mapper one row at a time.
        private static List<string> RowByRowCells(ITransformer model, IDataView input, string name)
        {
            var mapper = model.GetRowToRowMapper(input.Schema);
            var column = mapper.OutputSchema[name];
            using var cursor = input.GetRowCursor(mapper.GetDependencies(new[] { column }));
            using var row = mapper.GetRow(cursor, new[] { column });
            return Read(cursor, row, column);
        }

        private static List<string> Read(DataViewRowCursor cursor, DataViewRow row, DataViewSchema.Column column)
        {
            var cells = new List<string>();
            Func<string> read = column.Type switch
            {
                VectorDataViewType { ItemType: NumberDataViewType t } when t.RawType == typeof(float)
                    => Reader<VBuffer<float>>(row, column, v => string.Join(" ", v.DenseValues().Select(Bits))),
                VectorDataViewType { ItemType: TextDataViewType }
                    => Reader<VBuffer<ReadOnlyMemory<char>>>(row, column, v => string.Join("|", v.DenseValues())),
                NumberDataViewType t when t.RawType == typeof(float) => Reader<float>(row, column, Bits),
                KeyDataViewType => Reader<uint>(row, column, v => v.ToString()),
                TextDataViewType => Reader<ReadOnlyMemory<char>>(row, column, v => v.ToString()),
                BooleanDataViewType => Reader<bool>(row, column, v => v.ToString()),
                _ => throw new NotSupportedException($"column '{column.Name}' of type {column.Type}"),
            };
            while (cursor.MoveNext())
                cells.Add(read());
            return cells;
        }

        private static Func<string> Reader<T>(DataViewRow cursor, DataViewSchema.Column column,
            Func<T, string> show)
        {
            var getter = cursor.GetGetter<T>(column);
            return () =>
            {
                T value = default;
                getter(ref value);
                return show(value);
            };
        }

        private static string Bits(float value) => BitConverter.SingleToInt32Bits(value).ToString("x8");
    }
}
