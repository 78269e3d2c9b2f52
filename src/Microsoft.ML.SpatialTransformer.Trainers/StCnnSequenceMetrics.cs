namespace Microsoft.ML.SpatialTransformer.Trainers
{
    /// <summary>How well predicted digit sequences match the labels (see <c>EvaluateSequences</c>).</summary>
    public sealed class StCnnSequenceMetrics
    {
        internal StCnnSequenceMetrics(long rows, double sequenceAccuracy, double digitAccuracy)
        {
            RowCount = rows;
            SequenceAccuracy = sequenceAccuracy;
            DigitAccuracy = digitAccuracy;
        }

        /// <summary>Rows evaluated (rows with an empty label are skipped).</summary>
        public long RowCount { get; }

        /// <summary>Share of rows whose whole predicted sequence equals the label (the paper's measure); in [0,
        /// 1].</summary>
        public double SequenceAccuracy { get; }

        /// <summary>Sequence error in percent: 100 x (1 - <see cref="SequenceAccuracy"/>).</summary>
        public double SequenceErrorPercent => 100 * (1 - SequenceAccuracy);

        /// <summary>
        /// Share of the 5 positions of every row read right, "none" past the label's end included (each softmax head's
        /// own
        /// accuracy, averaged); in [0, 1].
        /// </summary>
        public double DigitAccuracy { get; }
    }
}
