using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Dropout (element-wise, or whole channels as Dropout2d) that draws its masks from a generator the trainer owns
    /// instead of torch's process-wide one, so concurrent fits in other MLContexts cannot change a seeded run.
    /// Without a generator it uses torch's global one, like nn.Dropout. The identity in eval mode.
    /// </summary>
    public sealed class SeededDropout : nn.Module<Tensor, Tensor>
    {
        /// <summary>Dropout with probability <paramref name="probability"/>.</summary>
        /// <param name="probability">Probability of zeroing an element or channel, in [0, 1).</param>
        /// <param name="channels">Drop whole channels of an [N,C,H,W] input (Dropout2d).</param>
        public SeededDropout(double probability, bool channels = false) : base(channels ? "Dropout2d" : "Dropout")
        {
            if (!(probability >= 0 && probability < 1))
                throw new ArgumentException($"probability must be in [0, 1); got {probability}.", nameof(probability));
            Probability = probability;
            Channels = channels;
        }

        /// <summary>The probability of zeroing an element (or a channel).</summary>
        public double Probability { get; }

        /// <summary>Whether whole channels of an [N,C,H,W] input are dropped together (Dropout2d).</summary>
        public bool Channels { get; }

        /// <summary>
        /// Where masks come from; null for torch's global generator. Must live on the input's device.
        /// </summary>
        internal Generator Generator { get; set; }

        /// <summary>
        /// In training, zeroes elements (or channels) and scales the rest by 1 / (1 - p); in eval, the identity.
        /// </summary>
        public override Tensor forward(Tensor input)
        {
            if (!training || Probability == 0) return input.alias();
            using var scope = NewDisposeScope();
            var shape = Channels ? new[] { input.shape[0], input.shape[1], 1L, 1L } : input.shape;
            var uniform = rand(shape, dtype: input.dtype, device: input.device, generator: Generator); // mask's shape
            var mask = uniform.ge(Probability).to_type(input.dtype).mul_(1.0 / (1.0 - Probability));  // kept / (1 - p)
            return input.mul(mask).MoveToOuterDisposeScope();
        }
    }
}
