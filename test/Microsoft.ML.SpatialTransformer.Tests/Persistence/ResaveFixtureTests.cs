using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>
    /// The saved layout does not drift: a model saved by the current version (Resources/v2), loaded and saved again,
    /// gives the same entries with the same bytes.
    /// </summary>
    public class ResaveFixtureTests
    {
        private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Persistence",
            "Resources", "v2");

        [Theory]
        [MemberData(nameof(SavedFixtureTests.Names), MemberType = typeof(SavedFixtureTests))]
        public void AFixtureSavedAgainHasTheSameEntriesByteForByte(string name)
        {
            var ml = new MLContext(1);
            string source = Path.Combine(Fixtures, name + ".zip");
            var model = ml.Model.Load(source, out var schema);
            string copy = Path.Combine(Path.GetTempPath(), $"resave-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, schema, copy);
                var expected = Entries(source);
                var actual = Entries(copy);
                Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
                foreach (var entry in expected)
                    Assert.True(entry.Value.SequenceEqual(actual[entry.Key]), $"entry '{entry.Key}' differs");
            }
            finally
            {
                File.Delete(copy);
            }
        }

        private static Dictionary<string, byte[]> Entries(string zip)
        {
            using var archive = ZipFile.OpenRead(zip);
            return archive.Entries.Where(e => e.Length > 0 || !e.FullName.EndsWith("/"))
                .ToDictionary(e => e.FullName, e =>
            {
                using var stream = e.Open();
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                return bytes.ToArray();
            });
        }
    }
}
