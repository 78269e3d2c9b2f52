using System;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Trainers.Scoring
{
    /// <summary>
    /// Scores whole batches of images with a trained network: one native call per batch, under no_grad, and every call
    /// at the same shape. A partial batch is padded with zero images to the full batch, because libtorch may pick other
    /// kernels for another batch size (a one-row matrix product adds in another order than a 256-row one), and a row's
    /// result must not depend on how many rows happened to share its call.
    /// </summary>
    internal sealed class BatchScorer
    {
        /// <summary>Rows per native call of the prediction transformer's Transform.</summary>
        public const int DefaultBatchSize = 256;

        private readonly StNetwork _network;
        private readonly ImageShape _shape;
        private readonly int _positions;

        /// <param name="network">The trained network.</param>
        /// <param name="positions">Heads the logits hold side by side (a sequence reader's 5), each with its own
        /// softmax; 1: one softmax over all of them.</param>
        public BatchScorer(StNetwork network, int positions = 1)
        {
            _network = network;
            _positions = positions;
            _shape = ImageShape.InputOf(network.Options);
        }

        /// <summary>Values per image (C*H*W).</summary>
        public int ImageSize => _shape.Size;

        /// <summary>
        /// Scores the batch buffer <paramref name="pixels"/> (B = pixels.Length / C*H*W images, [B,C,H,W] row-major),
        /// of which the first <paramref name="rows"/> are filled: the rest is zeroed and scored with them.
        /// <paramref name="probabilities"/> receives B*K class probabilities (a softmax per position's K/P with
        /// positions); thetas[i], when given, B*P values of spatial transformer i.
        /// </summary>
        public void Score(float[] pixels, int rows, float[] probabilities, float[][] thetas)
        {
            if (_network.IsDisposed)
                throw new ObjectDisposedException(nameof(StCnnModelParameters), "This StCnn model's network "
                    + "(TorchNetwork) has been disposed; the model can no longer score or be saved.");
            int batch = pixels.Length / _shape.Size;
            pixels.AsSpan(rows * _shape.Size).Clear(); // the padding: zero images, whatever the last batch left there
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var x = HostTensors.FromSpan(pixels, new long[] { batch, _shape.Channels, _shape.Height, _shape.Width });
            var (logits, thetaTensors) = _network.ForwardWithThetas(x); // [B,C,H,W] -> [B,K], [B,P] each
            // [B,K], or [B,P,K/P] with a softmax per position
            var perHead = _positions == 1 ? logits : logits.view(batch, _positions, -1);
            HostTensors.CopyTo(nn.functional.softmax(perHead, -1), probabilities);
            for (int i = 0; thetas is not null && i < thetas.Length; i++)
                HostTensors.CopyTo(thetaTensors[i], thetas[i]);
        }
    }
}
