using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Mini-batch training of an image classifier returning logits: seeded shuffling every epoch (one Random for the
    /// whole run), one dispose scope per batch, localisation parameters at their own learning rate, optional gradient
    /// clipping, per-epoch metrics over all batches, early stopping on validation loss with the best weights restored.
    /// </summary>
    internal sealed class TrainingLoop
    {
        private readonly IHost _host;
        private readonly IChannel _ch;
        private readonly nn.Module<Tensor, Tensor> _network;
        private readonly IReadOnlyList<Parameter> _localisation;
        private readonly IReadOnlyList<Parameter> _others;
        private readonly TrainingSettings _settings;
        private readonly Device _device;
        private readonly ImageShape _shape;
        private readonly string _featureColumn;
        private readonly int _seed;
        // For telling over-large inputs from a diverging loss when the loss stops being finite.
        private long _steps;
        private double _firstLoss = double.NaN;

        public TrainingLoop(IHost host, IChannel ch, nn.Module<Tensor, Tensor> network,
            IEnumerable<Parameter> localisation,
            TrainingSettings settings, int seed, Device device, ImageShape shape, string featureColumn)
        {
            _seed = seed;
            _featureColumn = featureColumn;
            _host = host;
            _ch = ch;
            _network = network;
            _localisation = localisation.ToList();
            var locSet = new HashSet<Parameter>(_localisation, ReferenceEqualityComparer.Instance);
            _others = network.parameters().Where(p => !locSet.Contains(p)).ToList();
            _settings = settings;
            _device = device;
            _shape = shape;
        }

        public List<EpochMetrics> History { get; } = new List<EpochMetrics>();

        public void Run(LabeledImages train, LabeledImages validation, Action<EpochMetrics> onEpoch)
        {
            var s = _settings;
            using var optimizer = CreateOptimizer();
            var random = new Random(_seed);
            // Augmentation draws from a generator of this run only, so it is seeded and no other thread can shift it.
            using var augmentationGenerator = new Generator(unchecked((ulong)_seed) ^ 0xA5A5A5A5A5A5A5A5UL);
            var order = Enumerable.Range(0, train.Count).ToArray();
            double bestLoss = double.PositiveInfinity;
            Dictionary<string, Tensor> best = null;
            int epochsWithoutGain = 0;
            var total = Stopwatch.StartNew();
            try
            {
                // With a time budget the schedule is fitted to the training that the budget allows, in epochs with a
                // fraction, re-estimated after every epoch (EpochBudget): the last epoch is cut to the batches that
                // fit, so the budget is used to its end and a cosine or step schedule still completes inside it.
                double planned = s.MaxEpochs;
                double done = 0;
                for (int epoch = 0; epoch < planned; epoch++)
                {
                    var watch = Stopwatch.StartNew();
                    int epochs = (int)Math.Ceiling(planned);
                    double rate = LearningRateSchedule.RateAt(s.Schedule, s.LearningRate, epoch, epochs,
                        s.StepDecayEpochs, s.StepDecayFactor);
                    SetRates(optimizer, rate);
                    RowOrder.Shuffle(order, random);
                    double share = Math.Min(1, planned - epoch);
                    var (loss, accuracy, trained) = TrainEpoch(train, order, optimizer, epoch, epochs,
                        augmentationGenerator, share,
                        s.TimeBudget is TimeSpan limit ? stepTime => total.Elapsed + stepTime > limit : null);
                    done += trained;
                    (double Loss, double Accuracy)? val = validation is null ? null : Evaluate(validation);
                    var metrics = new EpochMetrics(epoch + 1, rate, loss, accuracy, val?.Loss, val?.Accuracy,
                        watch.Elapsed.TotalSeconds);
                    History.Add(metrics);
                    onEpoch?.Invoke(metrics);

                    if (val is not null && s.EarlyStoppingPatience > 0)
                    {
                        if (val.Value.Loss < bestLoss)
                        {
                            bestLoss = val.Value.Loss;
                            epochsWithoutGain = 0;
                            DisposeAll(best);
                            best = Snapshot();
                        }
                        else if (++epochsWithoutGain >= s.EarlyStoppingPatience)
                        {
                            _ch.Info($"Early stopping after epoch {epoch + 1}: validation loss has not improved for " +
                                $"{epochsWithoutGain} epoch(s); restoring the weights of the best epoch.");
                            break;
                        }
                    }

                    if (s.TimeBudget is TimeSpan budget)
                    {
                        double affordable = EpochBudget.Plan(budget, total.Elapsed, done, watch.Elapsed,
                            trained, planned);
                        // Less than one more batch fits: the budget is used up.
                        if (affordable - done < 1.0 / Math.Max(1, BatchCount(train.Count)))
                        {
                            if (done < planned)
                                _ch.Info($"Stopping after {done:F2} of {planned:F2} epochs: the training time budget " +
                                    $"of {budget.TotalMinutes:F1} min is used up.");
                            break;
                        }
                        if (affordable < planned)
                            _ch.Info($"The training time budget of {budget.TotalMinutes:F1} min allows about " +
                                $"{affordable:F2} of {s.MaxEpochs} epochs at the pace so far; the learning-rate " +
                                $"schedule now spans {Math.Ceiling(affordable)}.");
                        planned = affordable;
                    }
                }
                if (best is not null) Restore(best);
            }
            finally
            {
                DisposeAll(best);
            }
        }

        // Trains on the first share of the epoch's batches, or fewer where pastBudget says one more step (at the mean
        // step time so far) would end past the time budget; returns the loss and accuracy over the rows seen and the
        // share trained.
        private (double Loss, double Accuracy, double Share) TrainEpoch(LabeledImages data, int[] order,
            OptimizerHelper optimizer, int epoch,
            int epochs, Generator augmentationGenerator, double share, Func<TimeSpan, bool> pastBudget)
        {
            _network.train();
            double lossSum = 0;
            long correct = 0;
            int batchSize = EffectiveBatchSize(order.Length);
            int batches = BatchCount(order.Length);
            int planned = Math.Clamp((int)Math.Ceiling(share * batches - 1e-9), 1, batches);
            using var prefetcher = Prefetch(data, order, batchSize, planned);
            var watch = Stopwatch.StartNew();
            int seen = 0, b = 0;
            for (; b < planned; b++)
            {
                if (b > 0 && pastBudget is not null && pastBudget(watch.Elapsed / b)) break;
                CheckAlive();
                using var scope = NewDisposeScope();
                int start = b * batchSize;
                int count = Math.Min(batchSize, order.Length - start);
                var (x, y) = ToTensors(prefetcher.Next());                  // [B,C,H,W], [B]
                if (_settings.Augmentation is { IsActive: true } augmentation)
                    x = augmentation.Apply(x, augmentationGenerator);       // [B,C,H,W]
                optimizer.zero_grad();
                var logits = _network.call(x);                              // [B,K] or [B,P*K]
                var (loss, rightRows) = LossAndCorrect(logits, y, nn.Reduction.Mean);
                double value = loss.item<float>();
                if (!double.IsFinite(value))
                    throw _host.Except(NonFiniteLoss.Explain(value, epoch + 1, b + 1, _steps, _firstLoss,
                        _settings.LearningRate,
                        _featureColumn, data.MaxMagnitude, logits.size(1)));
                if (_steps == 0) _firstLoss = value;
                loss.backward();
                if (_settings.GradientClipNorm > 0)
                    nn.utils.clip_grad_norm_(_network.parameters(), _settings.GradientClipNorm);
                optimizer.step();
                _steps++;
                lossSum += value * count;
                correct += rightRows.item<long>();
                seen = start + count;
                _settings.Progress?.Report(new TrainingProgress(epoch + 1, epochs, b + 1, batches, lossSum / seen,
                    (double)correct / seen));
            }
            return (lossSum / seen, (double)correct / seen, (double)b / batches);
        }

        private int BatchCount(int rows)
        {
            int batchSize = EffectiveBatchSize(rows);
            return (int)(((long)rows + batchSize - 1) / batchSize);
        }

        /// <summary>
        /// Mean loss and accuracy over every row of <paramref name="data"/>, in eval mode under no_grad.
        /// </summary>
        public (double Loss, double Accuracy) Evaluate(LabeledImages data)
        {
            _network.eval();
            using var noGrad = no_grad();
            double lossSum = 0;
            long correct = 0;
            var all = Enumerable.Range(0, data.Count).ToArray();
            int batchSize = EffectiveBatchSize(data.Count);
            int batches = (int)(((long)data.Count + batchSize - 1) / batchSize);
            using var prefetcher = Prefetch(data, all, batchSize, batches);
            for (int b = 0; b < batches; b++)
            {
                CheckAlive();
                using var scope = NewDisposeScope();
                var (x, y) = ToTensors(prefetcher.Next());
                var logits = _network.call(x);
                var (loss, rightRows) = LossAndCorrect(logits, y, nn.Reduction.Sum);
                lossSum += loss.item<float>();
                correct += rightRows.item<long>();
            }
            return (lossSum / data.Count, (double)correct / data.Count);
        }

        // A batch larger than the data is the whole data in one batch: the same step, without int overflow in the
        // batch arithmetic (a BatchSize near int.MaxValue made the batch count overflow to none at all).
        private int EffectiveBatchSize(int rows) => Math.Max(1, Math.Min(_settings.BatchSize, rows));

        // Cancellation through the MLContext (ML.NET's internal route) or the user's token stops within one batch.
        private void CheckAlive()
        {
            _host.CheckAlive();
            _settings.Cancellation.ThrowIfCancellationRequested();
        }

        // Batch b holds rows order[b * batchSize ..] of the data, assembled on a pool thread one batch ahead.
        private static BatchPrefetcher Prefetch(LabeledImages data, int[] order, int batchSize, int batches) =>
            new BatchPrefetcher(batches, batchSize, data.FeatureSize, (b, buffer, stop) =>
            {
                int start = b * batchSize;
                int count = Math.Min(batchSize, order.Length - start);
                stop.ThrowIfCancellationRequested();
                buffer.Fill(data, order.AsSpan(start, count));
            }, data.Positions);

        // The tensors get a copy of the values, so the buffer can be refilled once the next batch is requested.
        private (Tensor X, Tensor Y) ToTensors(BatchBuffer batch)
        {
            // [B,C,H,W]
            var x = HostTensors.FromSpan(batch.PixelSpan,
                new long[] { batch.Count, _shape.Channels, _shape.Height, _shape.Width }, _device);
            var y = HostTensors.FromSpan(batch.LabelSpan, _device); // [B] or [B*P]
            return (x, batch.Positions == 1 ? y : y.view(batch.Count, batch.Positions)); // [B] or [B,P]
        }

        // Cross-entropy (mean, or sum with Reduction.Sum) and rows right. One label per row: the classifier's loss as
        // always. P labels per row (sequences): logits [B, P*K] are P heads of K classes, the loss is averaged over
        // rows and positions, and a row is right only when every position is.
        private static (Tensor Loss, Tensor Correct) LossAndCorrect(Tensor logits, Tensor y, nn.Reduction reduction)
        {
            if (y.dim() == 1)
                return (nn.functional.cross_entropy(logits, y, reduction: reduction), logits.argmax(1).eq(y).sum());
            long rows = y.size(0), positions = y.size(1);
            var perPosition = logits.view(rows, positions, -1); // [B,P,K]
            var loss = nn.functional.cross_entropy(perPosition.view(rows * positions, -1), y.view(-1),
                reduction: reduction);
            if (reduction == nn.Reduction.Sum) loss = loss / positions; // per row, as the mean is
            return (loss, perPosition.argmax(2).eq(y).all(1).sum());
        }

        private OptimizerHelper CreateOptimizer()
        {
            var s = _settings;
            double locRate = s.LearningRate * s.LocalisationLearningRateMultiplier;
            if (_localisation.Count > 0 && s.LocalisationLearningRateMultiplier != 1)
                _ch.Info($"The localisation networks learn at {s.LocalisationLearningRateMultiplier:G4} times the " +
                    "base learning rate.");
            if (s.Optimizer == OptimizerKind.Sgd)
            {
                var groups = new List<SGD.ParamGroup> { new SGD.ParamGroup(_others, s.LearningRate, s.Momentum, 0,
                    s.WeightDecay, false, false) };
                if (_localisation.Count > 0)
                    groups.Add(new SGD.ParamGroup(_localisation, locRate, s.Momentum, 0, s.WeightDecay, false, false));
                return optim.SGD(groups, s.LearningRate, s.Momentum, 0, s.WeightDecay);
            }
            var adam = new List<Adam.ParamGroup> { new Adam.ParamGroup(_others, s.LearningRate, 0.9, 0.999, 1e-8,
                s.WeightDecay, false, false) };
            if (_localisation.Count > 0)
                adam.Add(new Adam.ParamGroup(_localisation, locRate, 0.9, 0.999, 1e-8, s.WeightDecay, false, false));
            return optim.Adam(adam, s.LearningRate, 0.9, 0.999, 1e-8, s.WeightDecay);
        }

        // Group 0 holds the classifier at the base rate; group 1 (if any) the localisation nets at base * multiplier.
        private void SetRates(OptimizerHelper optimizer, double rate)
        {
            int i = 0;
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = i++ == 0 ? rate : rate * _settings.LocalisationLearningRateMultiplier;
        }


        private Dictionary<string, Tensor> Snapshot()
        {
            using var noGrad = no_grad();
            return _network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
        }

        private void Restore(Dictionary<string, Tensor> snapshot)
        {
            using var noGrad = no_grad();
            foreach (var (name, value) in _network.state_dict())
                value.copy_(snapshot[name]);
        }

        private static void DisposeAll(Dictionary<string, Tensor> tensors)
        {
            if (tensors is null) return;
            foreach (var t in tensors.Values) t.Dispose();
            tensors.Clear();
        }
    }
}
