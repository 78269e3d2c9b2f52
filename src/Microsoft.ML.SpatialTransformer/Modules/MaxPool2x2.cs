using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// 2x2 max pooling with stride 2, as nn.MaxPool2d(2): [N,C,H,W] -> [N,C,H/2,W/2] (odd sizes drop their last row or
    /// column). Where no gradient is wanted it takes the maximum of neighbouring columns, then rows, as two elementwise
    /// operations: the same values (a maximum is exact), faster than ATen's max_pool2d on the tutorial classifier's
    /// feature maps (the benchmarks' profile command compares the two), and the channels-last layout is kept.
    /// Training uses max_pool2d, whose gradient goes to one maximum where several tie (an elementwise maximum's would
    /// be split).
    /// </summary>
    internal sealed class MaxPool2x2 : nn.Module<Tensor, Tensor>
    {
        public MaxPool2x2() : base("MaxPool2d")
        {
        }

        public override Tensor forward(Tensor x)
        {
            if (is_grad_enabled() && x.requires_grad) return nn.functional.max_pool2d(x, 2);
            using var scope = NewDisposeScope();
            long height = x.shape[2] / 2 * 2, width = x.shape[3] / 2 * 2;
            var all = TensorIndex.Colon;
            var columns = maximum(x[all, all, TensorIndex.Slice(0, height), TensorIndex.Slice(0, width, 2)],
                                  // [N,C,H',W/2]
                                  x[all, all, TensorIndex.Slice(0, height), TensorIndex.Slice(1, width, 2)]);
            return maximum(columns[all, all, TensorIndex.Slice(0, height, 2)],
                           // [N,C,H/2,W/2]
                           columns[all, all, TensorIndex.Slice(1, height, 2)]).MoveToOuterDisposeScope();
        }
    }
}
