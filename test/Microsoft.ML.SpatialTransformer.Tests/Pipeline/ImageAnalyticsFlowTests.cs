using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Pipeline
{
    public class ImageAnalyticsFlowTests
    {
        private sealed class ImageRow
        {
            public string Path { get; set; }
            [VectorType(6)] public float[] Theta { get; set; }
        }

        /// <summary>Writes a 4x4 PNG whose red channel is 16 * (row * 4 + column) and green/blue are 0.</summary>
        private static string WriteGradientPng(string directory)
        {
            var bgra = new byte[4 * 4 * 4];
            for (int i = 0; i < 16; i++)
            {
                bgra[4 * i + 2] = (byte)(16 * i); // R
                bgra[4 * i + 3] = 255;            // A
            }
            string path = System.IO.Path.Combine(directory, "gradient.png");
            using var image = MLImage.CreateFromPixels(4, 4, MLPixelFormat.Bgra32, bgra);
            image.Save(path);
            return path;
        }

        [Fact]
        public void ExtractPixelsOutputFeedsSpatialTransformWithItsDimensions()
        {
            using var dir = new TempDirectory();
            var ml = new MLContext(1);
            string png = WriteGradientPng(dir.Path);
            // Translation by one pixel to the right in a 4-pixel-wide image: tx = 2/4 in normalised coordinates.
            var data =
                ml.Data.LoadFromEnumerable(
                    new[] { new ImageRow { Path = png, Theta = new[] { 1f, 0, 0.5f, 0, 1, 0 } } });
            var pipeline = ml.Transforms.LoadImages("Image", dir.Path, "Path")
                .Append(ml.Transforms.ResizeImages("Image", 4, 4))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Image",
                    colorsToExtract: Transforms.Image.ImagePixelExtractingEstimator.ColorBits.Red))
                .Append(ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
                {
                    OutputColumnName = "Shifted", InputColumnName = "Pixels", Sampling = SamplingMode.Nearest,
                }));
            var model = pipeline.Fit(data);
            var output = model.Transform(data);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 4, 4), output.Schema["Shifted"].Type);
            var pixels = output.GetColumn<float[]>("Pixels").Single();
            var shifted = output.GetColumn<float[]>("Shifted").Single();
            // Output pixel (r, c) samples source (r, c + 1); the last column falls outside and reads zero.
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++)
                    Assert.Equal(c < 3 ? 16f * (r * 4 + c + 1) : 0f, shifted[r * 4 + c]);
            Assert.Equal(16f * 5, pixels[5]);
        }
    
        [Fact]
        public void AnImageColumnIsReadAsItsRgbPlanesLikeExtractPixels()
        {
            using var dir = new TempDirectory();
            var ml = new MLContext(1);
            string png = WriteGradientPng(dir.Path);
            var data =
                ml.Data.LoadFromEnumerable(new[] { new ImageRow { Path = png, Theta = new[] { 1f, 0, 0, 0, 1, 0 } } });
            var pipeline = ml.Transforms.LoadImages("Image", dir.Path, "Path")
                .Append(ml.Transforms.ResizeImages("Image", 4, 4))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
                .Append(ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
                {
                    OutputColumnName = "Warped", InputColumnName = "Image", Sampling = SamplingMode.Nearest,
                }));
            var output = pipeline.Fit(data).Transform(data);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3, 4, 4), output.Schema["Warped"].Type);
            // The identity warp of the image column equals ExtractPixels' planar R, G, B values.
            Assert.Equal(output.GetColumn<float[]>("Pixels").Single(), output.GetColumn<float[]>("Warped").Single());

            var unsized = ml.Transforms.LoadImages("Image", dir.Path, "Path").Fit(data).Transform(data);
            var e = Assert.Throws<System.ArgumentOutOfRangeException>(() =>
                ml.Transforms.SpatialTransform("Warped", "Image").Fit(unsized));
            Assert.Contains("Schema mismatch for input column 'Image': expected an image of " +
                "known size (use ResizeImages)", e.Message);
        }
    }
}
