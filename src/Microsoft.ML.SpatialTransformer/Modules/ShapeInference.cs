using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Output sizes of layer stacks, found by one dummy forward so no flatten size is ever hard-coded.
    /// </summary>
    internal static class ShapeInference
    {
        /// <summary>
        /// Shape of <paramref name="layers"/>' output for one [C,H,W] input, or an ArgumentException naming the
        /// network.
        /// </summary>
        public static long[] OutputShape(nn.Module<Tensor, Tensor> layers, long channels, long height, long width,
            string network, long minimumSide)
        {
            if (height < minimumSide || width < minimumSide)
                throw new ArgumentException(
                    $"{network} needs an input of at least {minimumSide}x{minimumSide}; got {height}x{width}.",
                    "inputShape");
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            bool wasTraining = layers.training;
            layers.eval();
            var shape = layers.call(zeros(1, channels, height, width)).shape;
            if (wasTraining) layers.train();
            return shape;
        }

        /// <summary>Number of features after flattening one sample's output of <paramref name="layers"/>.</summary>
        public static long FlatSize(nn.Module<Tensor, Tensor> layers, long channels, long height, long width,
            string network, long minimumSide)
        {
            var shape = OutputShape(layers, channels, height, width, network, minimumSide);
            long size = 1;
            for (int i = 1; i < shape.Length; i++) size *= shape[i];
            return size;
        }

        public static void CheckPositive(long value, string name)
        {
            if (value <= 0) throw new ArgumentException($"{name} must be positive; got {value}.", name);
        }
    }
}
