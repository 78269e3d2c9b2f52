using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer;
using Stn.Datasets.Data;

namespace Stn.Datasets.CoLocalisation
{
    /// <summary>
    /// Images of one digit class on a larger canvas, with the true box of each digit (which a co-localisation learner
    /// never sees). <see cref="ToDataView"/> gives the one column <see cref="DatasetColumns.Image"/>, Vector&lt;Single,
    /// 1, S, S&gt;.
    /// </summary>
    public sealed class CoLocalisationSet
    {
        internal CoLocalisationSet(int digitClass, int canvasSize, float[] pixels, PixelBox[] boxes)
        {
            DigitClass = digitClass;
            CanvasSize = canvasSize;
            Pixels = pixels;
            Boxes = boxes;
        }

        /// <summary>The class every image shows (0-9).</summary>
        public int DigitClass { get; }

        /// <summary>Side of each square canvas, pixels.</summary>
        public int CanvasSize { get; }

        /// <summary>Images [count, S, S], row-major, values in [0, 1].</summary>
        public float[] Pixels { get; }

        /// <summary>The digit's box in each image, pixels (left and top from 0 at the canvas edge).</summary>
        public IReadOnlyList<PixelBox> Boxes { get; }

        /// <summary>Number of images.</summary>
        public int Count => Boxes.Count;

        /// <summary>The images as an IDataView with one column, <see cref="DatasetColumns.Image"/>.</summary>
        public IDataView ToDataView(MLContext mlContext)
        {
            if (mlContext is null) throw new ArgumentNullException(nameof(mlContext));
            var schema = SchemaDefinition.Create(typeof(ImageRow));
            schema[DatasetColumns.Image].ColumnType = ImageDataViews.ImageType(1, CanvasSize, CanvasSize);
            return mlContext.Data.LoadFromEnumerable(Rows(), schema);
        }

        private IEnumerable<ImageRow> Rows()
        {
            int size = CanvasSize * CanvasSize;
            for (int i = 0; i < Count; i++)
                yield return new ImageRow { Image = Pixels.AsSpan(i * size, size).ToArray() };
        }

        /// <summary>One row of <see cref="ToDataView"/>.</summary>
        public sealed class ImageRow
        {
            /// <summary>The canvas, [1, S, S], in [0, 1].</summary>
            public float[] Image { get; set; }
        }
    }
}
