using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    public class SpatialTransformOnnxTests
    {
        private sealed class Row
        {
            public float[] Image { get; set; }
            public float[] Theta { get; set; }
        }

        [Theory]
        [InlineData(SpatialTransformKind.Affine)]
        [InlineData(SpatialTransformKind.Attention)]
        [InlineData(SpatialTransformKind.Similarity)]
        [InlineData(SpatialTransformKind.Translation)]
        [InlineData(SpatialTransformKind.Projective)]
        [InlineData(SpatialTransformKind.ThinPlateSpline)]
        public void GivenThetaTransformMatchesOnnxRuntime(SpatialTransformKind kind)
        {
            var ml = new MLContext(1);
            var random = new Random(2);
            var identity = TransformFamily.IdentityParameters(kind);
            var rows = Enumerable.Range(0, 20).Select(_ => new Row
            {
                Image = Enumerable.Range(0, 2 * 9 * 7).Select(_ => (float)random.NextDouble()).ToArray(),
                Theta = identity.Select(v => v + 0.1f * (float)(random.NextDouble() - 0.5)).ToArray(),
            }).ToArray();
            var definition = SchemaDefinition.Create(typeof(Row));
            definition["Image"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2, 9, 7);
            definition["Theta"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, identity.Length);
            var data = ml.Data.LoadFromEnumerable(rows, definition);
            var model = ml.Transforms.SpatialTransform("Warped", "Image", transform: kind, outputHeight: 5,
                outputWidth: 6).Fit(data);
            var expected = model.Transform(data).GetColumn<float[]>("Warped").ToArray();

            using var stream = new MemoryStream();
            model.ExportOnnx(stream);
            using var session = new InferenceSession(stream.ToArray());
            using var results = session.Run(new[]
            {
                NamedOnnxValue.CreateFromTensor("image",
                    new DenseTensor<float>(rows.SelectMany(r => r.Image).ToArray(), new[] { 20, 2, 9, 7 })),
                NamedOnnxValue.CreateFromTensor("theta",
                    new DenseTensor<float>(rows.SelectMany(r => r.Theta).ToArray(), new[] { 20, identity.Length })),
            });
            var actual = results.Single(r => r.Name == "warped").AsTensor<float>().ToArray();
            var flat = expected.SelectMany(e => e).ToArray();
            Assert.Equal(flat.Length, actual.Length);
            Assert.True(flat.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= 1e-5);
        }

        [Fact]
        public void LearnedTransformExportsWarpedImageAndTheta()
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticImages.KeyLabel(ml).Fit(ml.Data.LoadFromEnumerable(SyntheticImages.Make(32, 1)))
                .Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(64, 1)));
            var model = ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options
            {
                FeatureColumnName = "Pixels", Transform = SpatialTransformKind.Attention,
                Localisation = LocalisationNetworkKind.Fcn,
                Classifier = ClassifierKind.Fcn, MaxEpochs = 1, BatchSize = 16,
            }).Fit(data);
            var st = model.Model.GetSpatialTransformer(0, "Pixels");
            var output = st.Transform(data);
            var warped = output.GetColumn<float[]>("Canonical").SelectMany(v => v).ToArray();
            var theta = output.GetColumn<float[]>("Theta").SelectMany(v => v).ToArray();
            using var stream = new MemoryStream();
            st.ExportOnnx(stream);
            using var session = new InferenceSession(stream.ToArray());
            var pixels = data.GetColumn<float[]>("Pixels").SelectMany(v => v).ToArray();
            using var results =
                session.Run(new[] { NamedOnnxValue.CreateFromTensor("image",
                    new DenseTensor<float>(pixels, new[] { 64, 1, 12, 12 })) });
            var byName = results.ToDictionary(r => r.Name);
            Assert.True(warped.Zip(byName["warped"].AsTensor<float>().ToArray(), (a, b) => Math.Abs(a - b))
                .Max() <= 1e-5);
            Assert.True(theta.Zip(byName["theta"].AsTensor<float>().ToArray(), (a, b) => Math.Abs(a - b))
                .Max() <= 1e-5);
        }
    }
}
