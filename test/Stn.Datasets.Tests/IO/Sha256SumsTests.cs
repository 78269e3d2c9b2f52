using System;
using System.IO;
using Stn.Datasets.IO;
using Xunit;

namespace Stn.Datasets.Tests.IO
{
    public class Sha256SumsTests
    {
        [Fact]
        public void FormatThenParse_RoundTrips()
        {
            var sums = new System.Collections.Generic.Dictionary<string, string>
            {
                ["b.gz"] = Sha256Sums.OfBytes(new byte[] { 1 }),
                ["a.gz"] = Sha256Sums.OfBytes(Array.Empty<byte>()),
            };
            string text = Sha256Sums.Format(sums);
            Assert.StartsWith("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.gz\n", text);
            Assert.Equal(sums, Sha256Sums.Parse(text, "test"));
        }

        [Fact]
        public void BadLine_NamesTheSourceLineAndText()
        {
            var e = Assert.Throws<InvalidDataException>(() => Sha256Sums.Parse("abc  x.gz\n", "SUMS"));
            Assert.Contains("'SUMS' line 1", e.Message);
            Assert.Contains("abc  x.gz", e.Message);
        }
    }
}
