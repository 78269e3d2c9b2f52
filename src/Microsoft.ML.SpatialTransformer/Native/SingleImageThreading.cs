using System;

namespace Microsoft.ML.SpatialTransformer.Native
{
    /// <summary>
    /// Decides, from the model alone, whether its single-image predictions run on the calling thread alone
    /// (<see cref="CallingThreadParallelism"/>) or share libtorch's threads. The two ways can differ in the last bit
    /// (a reduction split over two threads adds in another order), so the choice must never come from timing: a model
    /// scored in two processes, or before and after the machine got busy, then gives the same bits. Waking libtorch's
    /// threads costs about the same for every operation, while the work it splits grows with the image: small images
    /// are too little work to share and larger ones gain from it. The threshold lies between the tutorial ST-CNN's
    /// 28x28 images and the default ST-CNN's 60x60 ones, which fall on either side of it (the benchmarks' speed
    /// command compares both ways).
    /// </summary>
    internal sealed class SingleImageThreading
    {
        /// <summary>
        /// Images of at most this many values (C*H*W) run alone; larger ones share libtorch's threads.
        /// </summary>
        public const int MaxValuesAlone = 2048;

        public enum Way { Alone, Shared }

        public SingleImageThreading(long valuesPerImage)
            : this(valuesPerImage <= MaxValuesAlone ? Way.Alone : Way.Shared)
        {
        }

        public SingleImageThreading(Way way) => Choice = CallingThreadParallelism.Available ? way : Way.Shared;

        /// <summary>The way every single-image prediction of this model runs.</summary>
        public Way Choice { get; }

        /// <summary>Runs one single-image prediction the chosen way.</summary>
        public void Run(Action predict)
        {
            if (Choice == Way.Shared) { predict(); return; }
            using var alone = CallingThreadParallelism.SingleThreaded();
            predict();
        }
    }
}
