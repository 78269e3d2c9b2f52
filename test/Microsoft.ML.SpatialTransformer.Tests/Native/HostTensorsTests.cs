using System;
using System.Linq;
using Microsoft.ML.SpatialTransformer.Native;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Tests.Native
{
    public class HostTensorsTests
    {
        [Fact]
        public void FromSpanHoldsTheValuesRowMajorAsTorchTensorDoes()
        {
            using var scope = NewDisposeScope();
            var values = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => i * 0.5f - 7).ToArray();
            var shape = new long[] { 2, 3, 4, 5 };
            var ours = HostTensors.FromSpan(values, shape);
            var torchs = tensor(values, shape);
            Assert.Equal(shape, ours.shape);
            Assert.Equal(ScalarType.Float32, ours.dtype);
            Assert.True(ours.equal(torchs).all().item<bool>());
            values[0] = 99; // a copy: the array can be reused for the next batch
            Assert.Equal(-7f, ours[0, 0, 0, 0].item<float>());
        }

        [Fact]
        public void LabelsBecomeAnInt64Vector()
        {
            using var scope = NewDisposeScope();
            var labels = new long[] { 3, 0, 9, 1 };
            var y = HostTensors.FromSpan(labels);
            Assert.Equal(ScalarType.Int64, y.dtype);
            Assert.Equal(labels, y.data<long>().ToArray());
        }

        [Fact]
        public void CopyToWritesAnyLayoutRowMajor()
        {
            using var scope = NewDisposeScope();
            var x = arange(12, dtype: ScalarType.Float32).reshape(3, 4);
            var transposed = x.t(); // [4,3], not contiguous
            var destination = new float[15];
            HostTensors.CopyTo(transposed, destination);
            Assert.Equal(transposed.contiguous().data<float>().ToArray(), destination.Take(12).ToArray());
            Assert.Equal(new float[3], destination.Skip(12).ToArray()); // the rest of a larger buffer is left alone
        }

        [Fact]
        public void WrongSizesAreRefusedWithBothCounts()
        {
            using var scope = NewDisposeScope();
            var tooFew =
                Assert.Throws<ArgumentException>(() => HostTensors.FromSpan(new float[5], new long[] { 2, 3 }));
            Assert.Contains("5 values", tooFew.Message);
            Assert.Contains("(6 values)", tooFew.Message);
            var tooSmall = Assert.Throws<ArgumentException>(() => HostTensors.CopyTo(zeros(2, 3), new float[4]));
            Assert.Contains("6 values do not fit in 4", tooSmall.Message);
            Assert.Throws<ArgumentException>(() => HostTensors.CopyTo(zeros(2, 3, dtype: ScalarType.Float64),
                new float[6]));
        }
    }
}
