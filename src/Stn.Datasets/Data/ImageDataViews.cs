using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Stn.Datasets.Data
{
    /// <summary>
    /// Builds IDataViews over in-memory image arrays with <c>LoadFromEnumerable</c> and a SchemaDefinition that gives
    /// the image column its known size [C, H, W] (the attribute <c>[VectorType]</c> cannot: the sizes are not
    /// constants). Rows are produced lazily, one small array each, so a view costs no second copy of the data.
    /// </summary>
    internal static class ImageDataViews
    {
        public static IDataView Labeled(MLContext mlContext, LabeledImageSet set)
        {
            if (mlContext is null) throw new ArgumentNullException(nameof(mlContext));
            var schema = SchemaDefinition.Create(typeof(LabeledImageRow));
            schema[DatasetColumns.Image].ColumnType = ImageType(1, set.Height, set.Width);
            return mlContext.Data.LoadFromEnumerable(LabeledRows(set), schema);
        }

        public static IDataView Distorted(MLContext mlContext, float[] images, uint[] labels, float[] theta,
            int channels, int height, int width, int thetaLength)
        {
            if (mlContext is null) throw new ArgumentNullException(nameof(mlContext));
            var schema = SchemaDefinition.Create(typeof(DistortedImageRow));
            schema[DatasetColumns.Image].ColumnType = ImageType(channels, height, width);
            schema[DatasetColumns.Theta].ColumnType = new VectorDataViewType(NumberDataViewType.Single, thetaLength);
            return mlContext.Data.LoadFromEnumerable(DistortedRows(images, labels, theta, channels * height * width,
                thetaLength), schema);
        }

        /// <summary>Vector&lt;Single, C, H, W&gt;.</summary>
        public static VectorDataViewType ImageType(int channels, int height, int width) =>
            new VectorDataViewType(NumberDataViewType.Single, channels, height, width);

        private static IEnumerable<LabeledImageRow> LabeledRows(LabeledImageSet set)
        {
            for (int i = 0; i < set.Count; i++)
            {
                var image = new float[set.ImageSize];
                set.CopyImage(i, image);
                yield return new LabeledImageRow { Image = image, Label = set.Labels[i] };
            }
        }

        private static IEnumerable<DistortedImageRow> DistortedRows(float[] images, uint[] labels, float[] theta,
            int imageSize, int thetaLength)
        {
            for (int i = 0; i < labels.Length; i++)
                yield return new DistortedImageRow
                {
                    Image = images.AsSpan(i * imageSize, imageSize).ToArray(),
                    Label = labels[i],
                    Theta = theta.AsSpan(i * thetaLength, thetaLength).ToArray(),
                };
        }
    }
}
