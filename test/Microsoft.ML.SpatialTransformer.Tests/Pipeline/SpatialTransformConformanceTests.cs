using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Pipeline
{
    public class SpatialTransformConformanceTests
    {
        private sealed class Row
        {
            public float[] Image { get; set; }
            public float[] Theta { get; set; }
            public double[] DoubleImage { get; set; }
        }

        /// <summary>
        /// Rows of random 2x6x5 images and identity-plus-noise theta of <paramref name="kind"/>, in a schema with
        /// dimensions.
        /// </summary>
        private static IDataView MakeData(MLContext ml, SpatialTransformKind kind, int thetaWidth = -1,
            bool knownImageSize = true)
        {
            var random = new Random(3);
            var identity = TransformFamily.IdentityParameters(kind);
            int p = thetaWidth > 0 ? thetaWidth : identity.Length;
            var rows = Enumerable.Range(0, 7).Select(_ => new Row
            {
                Image = Enumerable.Range(0, 60).Select(_ => (float)random.NextDouble()).ToArray(),
                Theta = Enumerable.Range(0, p).Select(j => (j < identity.Length ? identity[j] : 0f)
                    + 0.05f * (float)(random.NextDouble() - 0.5)).ToArray(),
                DoubleImage = new double[60],
            }).ToArray();
            var definition = SchemaDefinition.Create(typeof(Row));
            definition["Image"].ColumnType = knownImageSize
                ? new VectorDataViewType(NumberDataViewType.Single, 2, 6, 5)
                : new VectorDataViewType(NumberDataViewType.Single);
            definition["Theta"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, p);
            definition["DoubleImage"].ColumnType = new VectorDataViewType(NumberDataViewType.Double, 2, 6, 5);
            return ml.Data.LoadFromEnumerable(rows, definition);
        }

        [Theory]
        [InlineData(SpatialTransformKind.Affine)]
        [InlineData(SpatialTransformKind.Attention)]
        [InlineData(SpatialTransformKind.Similarity)]
        [InlineData(SpatialTransformKind.Translation)]
        [InlineData(SpatialTransformKind.Projective)]
        [InlineData(SpatialTransformKind.ThinPlateSpline)]
        public void EveryKindPassesConformance(SpatialTransformKind kind)
        {
            var ml = new MLContext(1);
            var estimator = ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Warped", InputColumnName = "Image", Transform = kind, OutputHeight = 3,
                OutputWidth = 8, BatchSize = 3,
            });
            int p = TransformFamily.ParameterCount(kind);
            var model = EstimatorConformance.Check(ml, estimator, MakeData(ml, kind),
                (MakeData(ml, kind, thetaWidth: p + 1), typeof(ArgumentOutOfRangeException),
                    $"Schema mismatch for theta column 'Theta': expected Vector<Single, {p}>, " +
                    $"got Vector<Single, {p + 1}>"),
                (MakeData(ml, kind, knownImageSize: false), typeof(ArgumentOutOfRangeException),
                    "Schema mismatch for input column 'Image': expected Vector<Single, C, H, W> (a known-size " +
                    "vector), got Vector<Single>"));
            var warped = model.GetOutputSchema(MakeData(ml, kind).Schema)["Warped"];
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2, 3, 8), warped.Type);
        }

        [Fact]
        public void MissingOrNonFloatColumnsAreSchemaMismatches()
        {
            var ml = new MLContext(1);
            var data = MakeData(ml, SpatialTransformKind.Affine);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform("Out", "Nope")
                .Fit(data));
            Assert.Contains("Could not find input column 'Nope'", e.Message);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform("Out", "Image",
                thetaColumnName: "Pose").Fit(data));
            Assert.Contains("Could not find theta column 'Pose'", e.Message);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform("Out", "DoubleImage")
                .Fit(data));
            Assert.Contains("Schema mismatch for input column 'DoubleImage': expected Vector<Single, C, H, W>, " +
                "got Vector<Double, 2, 6, 5>", e.Message);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform("Out", "Image")
                .GetOutputSchema(SchemaShape.Create(data.Schema).Where(c => c.Name != "Theta")
                .Aggregate(new SchemaShape(Array.Empty<SchemaShape.Column>()),
                (s, c) => new SchemaShape(s.Append(c)))));
            Assert.Contains("Could not find theta column 'Theta'", e.Message);
        }

        [Fact]
        public void BadOptionsAreRejectedWithTheirName()
        {
            var ml = new MLContext(1);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform("Out", "Image",
                outputHeight: -1));
            Assert.Contains("OutputHeight", e.Message);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform("Out", "Image",
                transform: SpatialTransformKind.None));
            Assert.Contains("Transform", e.Message);
        }

        [Fact]
        public void NanThetaNamesTheColumnAndRow()
        {
            var ml = new MLContext(1);
            var rows = Enumerable.Range(0, 3)
                .Select(i =>
                new { Image = new float[] { 1, 2, 3, 4 }, Theta = new[] { 1f, 0, 0, 0, i == 2 ? float.NaN : 1f, 0 } });
            var definition = SchemaDefinition.Create(rows.First().GetType());
            definition["Image"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1, 2, 2);
            definition["Theta"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 6);
            var data = ml.Data.LoadFromEnumerable(rows, definition);
            var model = ml.Transforms.SpatialTransform("Out", "Image").Fit(data);
            var e = Assert.Throws<InvalidOperationException>(() => model.Transform(data).Preview());
            Assert.Contains("Column 'Theta' holds NaN in row 2", e.Message);
        }

        [Fact]
        public void FlatVectorsTakeTheirShapeFromOptions()
        {
            var ml = new MLContext(1);
            var rows = new[] { new { Image = Enumerable.Range(0, 12).Select(i => (float)i).ToArray(),
                Theta = new float[] { 1, 0, 0, 0, 1, 0 } } };
            var definition = SchemaDefinition.Create(rows[0].GetType());
            definition["Image"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 12);
            definition["Theta"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 6);
            var data = ml.Data.LoadFromEnumerable(rows, definition);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SpatialTransform("Out", "Image")
                .Fit(data));
            Assert.Contains("Schema mismatch for input column 'Image'", e.Message);
            var model = ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Out", InputColumnName = "Image", ImageChannels = 1, ImageHeight = 3, ImageWidth = 4,
                Sampling = SamplingMode.Nearest,
            }).Fit(data);
            var output = model.Transform(data).GetColumn<float[]>("Out").Single();
            Assert.Equal(rows[0].Image, output); // identity theta with nearest sampling copies the image exactly
            e = Assert.Throws<ArgumentOutOfRangeException>(() =>
                ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Out", InputColumnName = "Image", ImageHeight = 3, ImageWidth = 5,
            }).Fit(data));
            Assert.Contains("expected Vector<Single, 1, 3, 5>, got Vector<Single, 12>", e.Message);
        }
    }
}
