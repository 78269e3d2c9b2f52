using System;
using System.IO;
using Stn.Datasets.IO;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.IO
{
    public class AtomicFileTests
    {
        [Fact]
        public void FailedWrite_KeepsTheOldFile_AndLeavesNoTemporary()
        {
            using var folder = new TempFolder();
            string path = folder.File("x.txt");
            File.WriteAllText(path, "old");
            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
            {
                s.WriteByte(1);
                throw new InvalidOperationException("boom");
            }));
            Assert.Equal("old", File.ReadAllText(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
        }

        [Fact]
        public void Write_CreatesTheFolder()
        {
            using var folder = new TempFolder();
            string path = Path.Combine(folder.Path, "a", "b", "x.txt");
            AtomicFile.WriteAllText(path, "new");
            Assert.Equal("new", File.ReadAllText(path));
        }
    }
}
