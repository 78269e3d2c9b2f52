using System;
using System.Diagnostics;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>
    /// A corrupt field in a model's header fails at once, naming the field and its value (issue 11, item 4).
    /// </summary>
    public class CorruptHeaderTests
    {
        [Fact]
        public void AHugeParallelTransformerCountFailsFastNamingTheField()
        {
            var zip = SavedModels.StCnn();
            string key = SavedModels.ModelKeyOf(zip, SavedModels.StCnnSignature);
            var content = SavedModels.Read(zip, key);
            // The network description: layout 3, 1 channel, 12x12, 2 classes, ...; ParallelTransformers is its 15th
            // int.
            int options = SavedModels.IndexOfInts(content, 3, 1, 12, 12, 2);
            Assert.True(options >= 0);
            int at = options + 14 * 4;
            Assert.Equal(1, BitConverter.ToInt32(content, at));
            BitConverter.GetBytes(65537).CopyTo(content, at);

            var watch = Stopwatch.StartNew();
            // ML.NET wraps a loader's exception once per nesting level ("Error during class instantiation"); ours is
            // the innermost.
            var e = Assert.ThrowsAny<Exception>(() =>
                SavedModels.Load(new MLContext(1), SavedModels.WithEntry(zip, key, content)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the load took {watch.Elapsed}");
            Assert.Contains("ParallelTransformers must be between 1 and 64; got 65537", e.GetBaseException().Message);
        }

        [Fact]
        public void AHugeSpatialTransformOutputSizeFailsFastNamingTheField()
        {
            var zip = SavedModels.LearnedTransform();
            string key = SavedModels.ModelKeyOf(zip, SavedModels.SpatialTransformSignature);
            var content = SavedModels.Read(zip, key);
            // channels 1, 12x12 input, 6x6 output.
            int at = SavedModels.IndexOfInts(content, 1, 12, 12, 6, 6) + 3 * 4;
            Assert.True(at >= 12);
            BitConverter.GetBytes(6 | 1 << 24).CopyTo(content, at); // one flipped bit: 16,777,222

            var watch = Stopwatch.StartNew();
            var e = Assert.ThrowsAny<Exception>(() =>
                SavedModels.Load(new MLContext(1), SavedModels.WithEntry(zip, key, content)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the load took {watch.Elapsed}");
            Assert.Contains("OutputHeight must be between 1 and 16384; got 16777222", e.GetBaseException().Message);
        }
    }
}
