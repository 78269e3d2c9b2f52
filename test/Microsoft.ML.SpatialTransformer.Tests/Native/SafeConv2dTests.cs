using System;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    [Collection(SerialCollection.Name)] // seeds and draws from torch's process-wide generator
    public class SafeConv2dTests
    {
        [Theory]
        [InlineData(1, 10, 5)]
        [InlineData(20, 20, 5)]
        [InlineData(8, 10, 5)]
        [InlineData(32, 64, 7)]
        public void ItDrawsItsInitialWeightsFromTorchsGeneratorAsTheLayerSavedModelsCameFrom(int inChannels,
            int outChannels,
            int kernel)
        {
            // The convolution layer the library had before drew weight, then bias, each ~ U(-b, b) with
            // b = 1/sqrt(C k k); TorchSharp's Convolution computes b through kaiming_uniform_. Unseeded fits and
            // networks built after torch.manual_seed must keep their numbers, so the two must agree bit for bit.
            manual_seed(41);
            using var layer = new SafeConv2d(inChannels, outChannels, kernel, kernel / 2);
            manual_seed(41);
            using var scope = NewDisposeScope();
            double bound = 1.0 / Math.Sqrt(inChannels * kernel * kernel);
            var weight = empty(outChannels, inChannels, kernel, kernel).uniform_(-bound, bound); // [O,C,k,k]
            var bias = empty(outChannels).uniform_(-bound, bound);                               // [O]
            TensorChecks.AssertEqual(weight, layer.weight);
            TensorChecks.AssertEqual(bias, layer.bias);
        }
    }
}
