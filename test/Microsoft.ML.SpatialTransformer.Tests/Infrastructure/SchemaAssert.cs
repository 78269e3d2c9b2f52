using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Infrastructure
{
    /// <summary>Column by column: names, hidden flags, types, and every annotation's name, type and value.</summary>
    public static class SchemaAssert
    {
        public static void Equal(DataViewSchema expected, DataViewSchema actual)
        {
            Assert.Equal(expected.Select(c => (c.Name, c.IsHidden, c.Type.ToString())),
                actual.Select(c => (c.Name, c.IsHidden, c.Type.ToString())));
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].Type.Equals(actual[i].Type),
                    $"column {i} '{expected[i].Name}': {expected[i].Type} vs {actual[i].Type}");
                var e = expected[i].Annotations.Schema;
                var a = actual[i].Annotations.Schema;
                Assert.Equal(e.Select(c => (c.Name, c.Type.ToString())), a.Select(c => (c.Name, c.Type.ToString())));
                foreach (var annotation in e)
                    Assert.Equal(Value(expected[i].Annotations, annotation),
                        Value(actual[i].Annotations, a[annotation.Name]));
            }
        }

        // An annotation's value as text, whatever its type (slot names and key values are vectors of text).
        private static string Value(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
        {
            var type = column.Type is VectorDataViewType v ? v.ItemType.RawType : column.Type.RawType;
            var method = typeof(SchemaAssert)
                .GetMethod(column.Type is VectorDataViewType ? nameof(VectorText) : nameof(ScalarText),
                System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(
                type);
            return (string)method.Invoke(null, new object[] { annotations, column })!;
        }

        private static string VectorText<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
        {
            VBuffer<T> value = default;
            annotations.GetValue(column.Name, ref value);
            return string.Join("|", value.DenseValues().Select(x => x?.ToString()));
        }

        private static string ScalarText<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
        {
            T value = default;
            annotations.GetValue(column.Name, ref value);
            return value?.ToString();
        }
    }
}
