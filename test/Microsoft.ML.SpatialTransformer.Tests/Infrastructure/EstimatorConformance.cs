using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Infrastructure
{
    /// <summary>
    /// The checks every estimator of the project goes through (as ML.NET's TestEstimatorCore): the estimator's schema
    /// propagation agrees with the fitted transformer's and with the data it produces; bad inputs throw; a model saved
    /// with mlContext.Model and loaded in this process and in a fresh one gives identical values in every column.
    /// </summary>
    public static class EstimatorConformance
    {
        public static ITransformer Check<TTransformer>(MLContext ml, IEstimator<TTransformer> estimator,
            IDataView valid,
            params (IDataView Data, Type Exception, string Message)[] invalid)
            where TTransformer : class, ITransformer
        {
            var shape = estimator.GetOutputSchema(SchemaShape.Create(valid.Schema));
            var model = estimator.Fit(valid);
            var schema = model.GetOutputSchema(valid.Schema);
            var output = model.Transform(valid);
            AssertSameColumns(schema, output.Schema);
            foreach (var column in schema.Where(c => !c.IsHidden))
            {
                Assert.True(shape.TryFindColumn(column.Name, out var promised),
                    $"GetOutputSchema(SchemaShape) lacks column '{column.Name}'.");
                Assert.Equal(promised.ItemType.RawType, ItemType(column.Type).RawType);
                Assert.Equal(promised.Kind == SchemaShape.Column.VectorKind.Scalar,
                    column.Type is not VectorDataViewType);
            }

            foreach (var (data, exception, message) in invalid)
            {
                var e = Assert.Throws(exception, () => estimator.Fit(data));
                Assert.Contains(message, e.Message);
            }

            using var dir = new TempDirectory();
            string path = dir.File("model.zip");
            ml.Model.Save(model, valid.Schema, path);
            var loaded = ml.Model.Load(path, out var loadedInputSchema);
            AssertSameColumns(valid.Schema, loadedInputSchema);
            AssertSameValues(output, loaded.Transform(valid));
            AssertSameValues(output, ModelRunnerProcess.Transform(ml, path, valid, dir.Path));
            return model;
        }

        private static DataViewType ItemType(DataViewType type) => type is VectorDataViewType v ? v.ItemType : type;

        private static void AssertSameColumns(DataViewSchema expected, DataViewSchema actual)
        {
            var e = expected.Where(c => !c.IsHidden).Select(c => (c.Name, c.Type.ToString())).ToArray();
            var a = actual.Where(c => !c.IsHidden).Select(c => (c.Name, c.Type.ToString())).ToArray();
            Assert.Equal(e, a);
        }

        /// <summary>Every float-vector and float column of the two views holds bitwise-identical values.</summary>
        public static void AssertSameValues(IDataView expected, IDataView actual)
        {
            foreach (var column in expected.Schema.Where(c => !c.IsHidden))
            {
                if (ItemType(column.Type) != NumberDataViewType.Single) continue;
                var other = actual.Schema[column.Name];
                Assert.Equal(Read(expected, column), Read(actual, other));
            }
        }

        private static List<float[]> Read(IDataView data, DataViewSchema.Column column)
        {
            var rows = new List<float[]>();
            using var cursor = data.GetRowCursor(new[] { column });
            if (column.Type is VectorDataViewType)
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> value = default;
                while (cursor.MoveNext()) { getter(ref value); rows.Add(value.DenseValues().ToArray()); }
            }
            else
            {
                var getter = cursor.GetGetter<float>(column);
                float value = 0;
                while (cursor.MoveNext()) { getter(ref value); rows.Add(new[] { value }); }
            }
            return rows;
        }
    }
}
