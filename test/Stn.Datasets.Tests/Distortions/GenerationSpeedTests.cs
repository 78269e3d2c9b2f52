using System.Diagnostics;
using Stn.Datasets.Distortions;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Stn.Datasets.Tests.Distortions
{
    public class GenerationSpeedTests
    {
        private readonly ITestOutputHelper _output;

        public GenerationSpeedTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Rts_OnTheShippedTrainingSubset_TakesWellUnderTenSeconds()
        {
            var source = Digits.Subset.Train; // 6,000 digits
            var generator = new RtsDistortion();
            generator.Generate(Digits.Train(10), seed: 0); // warm-up: native library load, first-call costs
            var watch = Stopwatch.StartNew();
            var set = generator.Generate(source, seed: 1);
            watch.Stop();
            _output.WriteLine($"RTS on {set.Count} digits: {watch.Elapsed.TotalMilliseconds:F0} ms");
            Assert.True(watch.Elapsed.TotalSeconds < 10, $"RTS on {set.Count} digits took {watch.Elapsed.TotalSeconds:F1} s");
        }
    }
}
