using System;
using Microsoft.ML.SpatialTransformer.Functional;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// A fresh random rotation, scale and translation of every training image in every epoch (zeros outside), so a
    /// fixed set of distorted images still shows the network new distortions, as the paper's on-the-fly generation did.
    /// Per image: angle ~ U(-R, R), scale ~ U(1 - S, 1 + S), shift ~ U(-T, T) of the image size on each axis; theta =
    /// [[s cos a, -s sin a, tx], [s sin a, s cos a, ty]] maps output to input coordinates (normalised, align_corners
    /// false).
    /// </summary>
    internal sealed record RandomAffineAugmentation(double RotationDegrees, double Scale, double Translation)
    {
        public bool IsActive => RotationDegrees > 0 || Scale > 0 || Translation > 0;

        /// <summary>
        /// theta [N,6] for <paramref name="count"/> images, drawn from <paramref name="generator"/> (CPU).
        /// </summary>
        public Tensor DrawTheta(int count, Generator generator)
        {
            using var scope = NewDisposeScope();
            // [N,4] in [-1, 1)
            var u = rand(new long[] { count, 4 }, dtype: ScalarType.Float32, generator: generator) * 2 - 1;
            var angle = u[.., 0] * (RotationDegrees * Math.PI / 180);  // [N]
            var scale = u[.., 1] * Scale + 1;                           // [N]
            var tx = u[.., 2] * (2 * Translation);                      // [N] normalised: the image spans 2
            var ty = u[.., 3] * (2 * Translation);
            var cos = angle.cos() * scale;
            var sin = angle.sin() * scale;
            return stack(new[] { cos, -sin, tx, sin, cos, ty }, 1).MoveToOuterDisposeScope(); // [N,6]
        }

        /// <summary>The batch x [N,C,H,W] warped by one random transform per image.</summary>
        public Tensor Apply(Tensor x, Generator generator)
        {
            using var scope = NewDisposeScope();
            var theta = DrawTheta((int)x.shape[0], generator).to(x.device); // [N,6]
            var grid = TransformFamily.Grid(SpatialTransformKind.Affine, theta, x.shape[2], x.shape[3]); // [N,H,W,2]
            return GridSampling.Sample(x, grid).MoveToOuterDisposeScope(); // [N,C,H,W]
        }
    }
}
