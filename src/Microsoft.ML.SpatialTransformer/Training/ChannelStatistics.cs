using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Per-channel mean and population standard deviation of [C,H,W] rows, accumulated one row at a time. Each row's
    /// channel is reduced to its count, mean and sum of squared deviations in double (two passes over the row), then
    /// merged into the running totals with Chan et al.'s pairwise update, which avoids the cancellation of sum(x^2) - n
    /// mean^2 when the mean is large against the spread (raw 0-255 pixels).
    /// </summary>
    internal sealed class ChannelStatistics
    {
        private readonly int _channels;
        private readonly int _pixelsPerChannel;
        private readonly double[] _mean;
        private readonly double[] _m2;   // sum of squared deviations from the mean
        private long _count;             // values per channel so far

        public ChannelStatistics(int channels, int pixelsPerChannel)
        {
            if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be positive");
            if (pixelsPerChannel <= 0)
                throw new ArgumentOutOfRangeException(nameof(pixelsPerChannel), pixelsPerChannel, "must be positive");
            _channels = channels;
            _pixelsPerChannel = pixelsPerChannel;
            _mean = new double[channels];
            _m2 = new double[channels];
        }

        /// <summary>Rows added so far.</summary>
        public long Rows => _count / _pixelsPerChannel;

        /// <summary>Adds one row of C * H * W values, channel-major ([C,H,W]).</summary>
        public void Add(ReadOnlySpan<float> row)
        {
            if (row.Length != _channels * _pixelsPerChannel)
                throw new ArgumentException($"A row holds {_channels * _pixelsPerChannel} values; got {row.Length}.",
                    nameof(row));
            long n = _pixelsPerChannel;
            for (int c = 0; c < _channels; c++)
            {
                var plane = row.Slice(c * _pixelsPerChannel, _pixelsPerChannel);
                double sum = 0;
                foreach (float v in plane) sum += v;
                double rowMean = sum / n;
                double rowM2 = 0;
                foreach (float v in plane)
                {
                    double d = v - rowMean;
                    rowM2 += d * d;
                }
                double delta = rowMean - _mean[c];
                long total = _count + n;
                _mean[c] += delta * n / total;
                _m2[c] += rowM2 + delta * delta * ((double)_count * n / total);
            }
            _count += n;
        }

        /// <summary>Mean of each channel (0 before any row).</summary>
        public double[] Mean => (double[])_mean.Clone();

        /// <summary>Population standard deviation of each channel (0 before any row).</summary>
        public double[] Std
        {
            get
            {
                var std = new double[_channels];
                for (int c = 0; c < _channels; c++)
                    std[c] = _count == 0 ? 0 : Math.Sqrt(Math.Max(0, _m2[c] / _count));
                return std;
            }
        }
    }
}
