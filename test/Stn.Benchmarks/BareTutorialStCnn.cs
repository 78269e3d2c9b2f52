using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Stn.Benchmarks
{
    /// <summary>
    /// The PyTorch tutorial ST-CNN written directly in TorchSharp, layer for layer as bench/pytorch_stn_bench.py:
    /// the "bare TorchSharp loop" reference that the project's ML.NET path is compared with. Plain TorchSharp only,
    /// nothing of the library: on a CPU where the library's convolution check reports a workaround (its trainers log
    /// it as a warning), this baseline computes with the faulty kernels and its figures are not comparable.
    /// </summary>
    internal sealed class BareTutorialStCnn : Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Conv2d conv1 = Conv2d(1, 10, 5);
        private readonly TorchSharp.Modules.Conv2d conv2 = Conv2d(10, 20, 5);
        private readonly Module<Tensor, Tensor> drop = Dropout2d();
        private readonly Module<Tensor, Tensor> fc1 = Linear(320, 50);
        private readonly Module<Tensor, Tensor> fc2 = Linear(50, 10);
        private readonly TorchSharp.Modules.Conv2d loc1 = Conv2d(1, 8, 7);
        private readonly TorchSharp.Modules.Conv2d loc2 = Conv2d(8, 10, 5);
        private readonly TorchSharp.Modules.Linear fcLoc1 = Linear(90, 32);
        private readonly TorchSharp.Modules.Linear fcLoc2 = Linear(32, 6);

        public BareTutorialStCnn() : base(nameof(BareTutorialStCnn))
        {
            using (no_grad())
            {
                fcLoc2.weight.zero_();
                fcLoc2.bias.copy_(tensor(new float[] { 1, 0, 0, 0, 1, 0 }));
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var loc = functional.relu(functional.max_pool2d(loc1.call(x), 2));                         // [N,8,11,11]
            loc = functional.relu(functional.max_pool2d(loc2.call(loc), 2));                           // [N,10,3,3]
            var theta = fcLoc2.call(functional.relu(fcLoc1.call(loc.reshape(-1, 90)))).view(-1, 2, 3); // [N,2,3]
            var grid = functional.affine_grid(theta, x.shape, align_corners: false);                   // [N,28,28,2]
            x = functional.grid_sample(x, grid, align_corners: false);                                 // [N,1,28,28]
            x = functional.relu(functional.max_pool2d(conv1.call(x), 2));
            x = functional.relu(functional.max_pool2d(drop.call(conv2.call(x)), 2));
            x = functional.dropout(functional.relu(fc1.call(x.reshape(-1, 320))), training: training);
            return functional.log_softmax(fc2.call(x), 1).MoveToOuterDisposeScope();
        }
    }
}
