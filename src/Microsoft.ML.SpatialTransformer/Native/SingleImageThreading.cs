using System;
using System.Diagnostics;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Chooses, once per model, whether its single-image predictions run on the calling thread alone
    /// (<see cref="CallingThreadParallelism"/>) or share libtorch's threads. Which is faster depends on the network and
    /// the machine (on 2 cores: the tutorial ST-CNN 0.31 ms alone against 0.41 ms shared; the default ST-CNN on 60x60
    /// 1.9 ms alone against 1.3 ms shared), so the first calls are timed, alternating, and the faster way is kept.
    /// Both ways compute the same numbers; only the time differs.
    /// </summary>
    internal sealed class SingleImageThreading
    {
        /// <summary>Timed calls per way before the choice is made.</summary>
        public const int TrialsPerWay = 10;

        private readonly object _gate = new();
        private readonly bool _canRunAlone = CallingThreadParallelism.Available;
        private int _calls;
        private int _aloneTrials, _sharedTrials;
        private double _aloneBest = double.PositiveInfinity, _sharedBest = double.PositiveInfinity;
        private volatile Way _choice;

        public enum Way { Undecided, Alone, Shared }

        /// <summary>The way chosen, or Undecided while the first calls are being timed.</summary>
        public Way Choice => _canRunAlone ? _choice : Way.Shared;

        /// <summary>Runs one single-image prediction the chosen way (or, while choosing, the way whose turn it is).</summary>
        public void Run(Action predict)
        {
            switch (Choice)
            {
                case Way.Shared: predict(); return;
                case Way.Alone: RunAlone(predict); return;
            }
            bool alone;
            lock (_gate) alone = _calls++ % 2 == 0;
            // The best of several calls, since this machine's noise only ever adds time.
            long start = Stopwatch.GetTimestamp();
            if (alone) RunAlone(predict); else predict();
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            lock (_gate)
            {
                if (alone) { _aloneTrials++; _aloneBest = Math.Min(_aloneBest, elapsed); }
                else { _sharedTrials++; _sharedBest = Math.Min(_sharedBest, elapsed); }
                if (_choice == Way.Undecided && _aloneTrials >= TrialsPerWay && _sharedTrials >= TrialsPerWay)
                    _choice = _aloneBest <= _sharedBest ? Way.Alone : Way.Shared;
            }
        }

        private static void RunAlone(Action predict)
        {
            using var alone = CallingThreadParallelism.SingleThreaded();
            predict();
        }
    }
}
