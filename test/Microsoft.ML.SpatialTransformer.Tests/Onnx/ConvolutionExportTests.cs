using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Onnx;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Microsoft.ML.SpatialTransformer.Tests.Onnx
{
    /// <summary>
    /// The exporter knows convolutions by TorchSharp's Convolution type: the library's own layer and a plain nn.Conv2d
    /// with the same weights give the same graph, and ONNX Runtime computes what torch does.
    /// </summary>
    public class ConvolutionExportTests
    {
        private static byte[] Export(nn.Module<Tensor, Tensor> convolution)
        {
            var g = new OnnxGraphBuilder();
            g.Input("image", OnnxGraphBuilder.FloatType, null, 3, 9, 9);
            g.Rename(new OnnxLayerEmitter(g).Emit(convolution, "image", "conv"), "features");
            g.Output("features", OnnxGraphBuilder.FloatType, null, 4, 9, 9);
            using var stream = new MemoryStream();
            Google.Protobuf.MessageExtensions.WriteTo(g.ToModel(), stream);
            return stream.ToArray();
        }

        [Fact]
        public void APlainConv2dExportsAsTheLibrarysConvolutionAndRunsAsTorchDoes()
        {
            using var scope = NewDisposeScope();
            using var ours = new SafeConv2d(3, 4, 5, 2);
            using var plain = nn.Conv2d(3, 4, 5, padding: 2);
            using (no_grad())
            {
                plain.weight.copy_(ours.weight);
                plain.bias.copy_(ours.bias);
            }
            byte[] exported = Export(ours);
            Assert.Equal(exported, Export(plain));

            using var generator = new Generator(4);
            var x = rand(new long[] { 2, 3, 9, 9 }, generator: generator); // [N,C,H,W]
            Tensor expected;
            using (no_grad()) expected = plain.call(x);                    // [N,O,H,W]
            using var session = new InferenceSession(exported);
            var input = new DenseTensor<float>(x.data<float>().ToArray(), new[] { 2, 3, 9, 9 });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("image", input) });
            var actual = tensor(results.Single().AsTensor<float>().ToArray(), new long[] { 2, 4, 9, 9 });
            TensorChecks.AssertClose(expected, actual, 1e-5);
        }
    }
}
