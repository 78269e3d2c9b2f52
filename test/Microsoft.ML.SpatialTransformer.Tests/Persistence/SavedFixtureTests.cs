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
            var actual = model.Transform(ml.Data.LoadFromBinary(Path.Combine(Fixtures, name + ".input.idv")));

            var expectedColumns = expected.Schema.Where(c => !c.IsHidden).ToArray();
            Assert.Equal(expectedColumns.Select(c => c.Name),
                actual.Schema.Where(c => !c.IsHidden).Select(c => c.Name));
            foreach (var column in expectedColumns)
            {
                var actualColumn = actual.Schema[column.Name];
                Assert.Equal(column.Type.ToString(), actualColumn.Type.ToString());
                Assert.Equal(Cells(expected, column), Cells(actual, actualColumn));
            }
        }

        // Each cell of the column as text that is exact for floats (their bits), so equality is bitwise.
        private static List<string> Cells(IDataView data, DataViewSchema.Column column)
        {
            var cells = new List<string>();
            using var cursor = data.GetRowCursor(new[] { column });
            Func<string> read = column.Type switch
            {
                VectorDataViewType { ItemType: NumberDataViewType t } when t.RawType == typeof(float)
                    => Reader<VBuffer<float>>(cursor, column, v => string.Join(" ", v.DenseValues().Select(Bits))),
                VectorDataViewType { ItemType: TextDataViewType }
                    => Reader<VBuffer<ReadOnlyMemory<char>>>(cursor, column, v => string.Join("|", v.DenseValues())),
                NumberDataViewType t when t.RawType == typeof(float) => Reader<float>(cursor, column, Bits),
                KeyDataViewType => Reader<uint>(cursor, column, v => v.ToString()),
                TextDataViewType => Reader<ReadOnlyMemory<char>>(cursor, column, v => v.ToString()),
                BooleanDataViewType => Reader<bool>(cursor, column, v => v.ToString()),
                _ => throw new NotSupportedException($"column '{column.Name}' of type {column.Type}"),
            };
            while (cursor.MoveNext())
                cells.Add(read());
            return cells;
        }

        private static Func<string> Reader<T>(DataViewRowCursor cursor, DataViewSchema.Column column,
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
