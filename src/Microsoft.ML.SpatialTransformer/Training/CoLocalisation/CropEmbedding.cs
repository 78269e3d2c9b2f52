using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// The paper's embedding e(): crops [N,C,h,w] -> vectors [N,D], two 3x3 convolutions (16 and 32 filters, each with
    /// a
    /// ReLU and a 2x2 max pool) and a linear layer, at seeded random weights that training leaves as they are (a fixed
    /// random feature map of the crop; no pretrained network ships with ML.NET). It only supplies the training signal
    /// and is discarded after Fit.
    /// </summary>
    internal sealed class CropEmbedding : Module<Tensor, Tensor>
    {
        /// <summary>Length of an embedding vector.</summary>
        public const int Dimensions = 32;

        private readonly Module<Tensor, Tensor> trunk;
        private readonly TorchSharp.Modules.Linear projection;

        public CropEmbedding(long channels, long height, long width) : base(nameof(CropEmbedding))
        {
            trunk = Sequential(new SafeConv2d(channels, 16, 3, 1), ReLU(), new MaxPool2x2(),
                new SafeConv2d(16, 32, 3, 1), ReLU(), new MaxPool2x2(), Flatten());
            long flat = ShapeInference.FlatSize(trunk, channels, height, width, "The co-localisation embedding", 4);
            projection = Linear(flat, Dimensions);
            RegisterComponents();
        }

        /// <summary>crops [N,C,h,w] -> embeddings [N,D].</summary>
        public override Tensor forward(Tensor crops)
        {
            using var scope = NewDisposeScope();
            return projection.call(trunk.call(crops)).MoveToOuterDisposeScope(); // [N,D]
        }
    }
}
