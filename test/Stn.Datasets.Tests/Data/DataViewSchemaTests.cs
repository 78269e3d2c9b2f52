using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Stn.Datasets.Data;
using Stn.Datasets.Distortions;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Data
{
    public class DataViewSchemaTests
    {
        private static void AssertImageColumn(DataViewSchema schema, params int[] dimensions)
        {
            var type = Assert.IsType<VectorDataViewType>(schema[DatasetColumns.Image].Type);
            Assert.Equal(NumberDataViewType.Single, type.ItemType);
            Assert.True(type.IsKnownSize);
            Assert.Equal(dimensions, type.Dimensions.ToArray());
        }

        [Fact]
        public void Mnist_HasImage1x28x28AndUInt32Label()
        {
            var mlContext = new MLContext(seed: 1);
            var set = Digits.Train(12);
            IDataView view = set.ToDataView(mlContext);
            Assert.Equal(new[] { DatasetColumns.Image, DatasetColumns.Label }, view.Schema.Select(c => c.Name));
            AssertImageColumn(view.Schema, 1, 28, 28);
            Assert.Equal(NumberDataViewType.UInt32, view.Schema[DatasetColumns.Label].Type);

            var rows = mlContext.Data.CreateEnumerable<LabeledImageRow>(view, reuseRowObject: false).ToArray();
            Assert.Equal(12, rows.Length);
            Assert.Equal(set.Labels.Select(l => (uint)l), rows.Select(r => r.Label));
            var first = set.GetPixels(0).ToArray();
            Assert.Equal(first.Select(p => p / 255f), rows[0].Image);
            Assert.All(rows.SelectMany(r => r.Image), v => Assert.InRange(v, 0f, 1f));
        }

        [Theory]
        [InlineData(DistortionKind.Rotation, 1, 28, 4)]
        [InlineData(DistortionKind.RotationTranslationScale, 1, 42, 4)]
        [InlineData(DistortionKind.Projective, 1, 28, 8)]
        [InlineData(DistortionKind.Elastic, 1, 28, 32)]
        [InlineData(DistortionKind.TranslatedCluttered, 1, 60, 3)]
        [InlineData(DistortionKind.Addition, 2, 42, 8)]
        public void Distorted_HasImageLabelAndTheta(DistortionKind kind, int channels, int size, int thetaLength)
        {
            var mlContext = new MLContext(seed: 1);
            DistortedImageSet set = DistortionGenerator.Create(kind).Generate(Digits.Train(10), seed: 3);
            IDataView view = set.ToDataView(mlContext);
            Assert.Equal(new[] { DatasetColumns.Image, DatasetColumns.Label, DatasetColumns.Theta },
                view.Schema.Select(c => c.Name));
            AssertImageColumn(view.Schema, channels, size, size);
            Assert.Equal(NumberDataViewType.UInt32, view.Schema[DatasetColumns.Label].Type);
            var theta = Assert.IsType<VectorDataViewType>(view.Schema[DatasetColumns.Theta].Type);
            Assert.Equal(thetaLength, theta.Size);

            var rows = mlContext.Data.CreateEnumerable<DistortedImageRow>(view, reuseRowObject: false).ToArray();
            Assert.Equal(10, rows.Length);
            Assert.Equal(set.Labels, rows.Select(r => r.Label));
            Assert.Equal(set.GetImage(9).ToArray(), rows[9].Image);
            Assert.Equal(set.GetTheta(9).ToArray(), rows[9].Theta);
        }

        [Fact]
        public void Mnist_FeedsAKeyMappingForTrainers()
        {
            // Label is a plain UInt32: a pipeline maps it to a key before a multiclass trainer.
            var mlContext = new MLContext(seed: 1);
            var view = Digits.Train(30).ToDataView(mlContext);
            var mapped = mlContext.Transforms.Conversion.MapValueToKey(DatasetColumns.Label).Fit(view).Transform(view);
            Assert.Equal(10UL, Assert.IsType<KeyDataViewType>(mapped.Schema[DatasetColumns.Label].Type).Count);
        }
    }
}
