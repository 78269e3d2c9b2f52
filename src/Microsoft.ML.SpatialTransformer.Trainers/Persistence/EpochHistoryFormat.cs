using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Persistence;

namespace Microsoft.ML.SpatialTransformer.Trainers.Persistence
{
    /// <summary>
    /// The saved training history of the trained models: int count; per epoch: int epoch, double learning rate, loss,
    /// accuracy, validation loss (NaN: none), validation accuracy (NaN: none), seconds.
    /// </summary>
    internal static class EpochHistoryFormat
    {
        private const int MetricsSize = sizeof(int) + 6 * sizeof(double);

        public static void Write(BinaryWriter w, IReadOnlyCollection<EpochMetrics> history)
        {
            w.Write(history.Count);
            foreach (var m in history)
            {
                w.Write(m.Epoch); w.Write(m.LearningRate); w.Write(m.TrainLoss); w.Write(m.TrainAccuracy);
                w.Write(m.ValidationLoss ?? double.NaN); w.Write(m.ValidationAccuracy ?? double.NaN);
                w.Write(m.Seconds);
            }
        }

        /// <summary>
        /// Reads what <see cref="Write"/> wrote; the count is bounded by what the stream still holds (issue 11: nothing
        /// unbounded is allocated).
        /// </summary>
        public static List<EpochMetrics> Read(IExceptionContext ectx, BinaryReader r)
        {
            long remaining = r.BaseStream.Length - r.BaseStream.Position;
            int epochs = LoadLimits.ReadInt(ectx, r, "history count", 0,
                (int)Math.Min(int.MaxValue, remaining / MetricsSize));
            return Enumerable.Range(0, epochs).Select(_ => ReadMetrics(r)).ToList();
        }

        private static EpochMetrics ReadMetrics(BinaryReader r)
        {
            int epoch = r.ReadInt32();
            double lr = r.ReadDouble(), loss = r.ReadDouble(), acc = r.ReadDouble();
            double vLoss = r.ReadDouble(), vAcc = r.ReadDouble(), s = r.ReadDouble();
            return new EpochMetrics(epoch, lr, loss, acc, double.IsNaN(vLoss) ? null : vLoss,
                double.IsNaN(vAcc) ? null : vAcc, s);
        }
    }
}
