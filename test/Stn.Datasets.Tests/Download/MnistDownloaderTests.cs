using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading.Tasks;
using Stn.Datasets.Data;
using Stn.Datasets.Download;
using Stn.Datasets.Idx;
using Stn.Datasets.IO;
using Stn.Datasets.Mnist;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Download
{
    public class MnistDownloaderTests
    {
        /// <summary>
        /// Small MNIST-layout .gz files (the first digits of the shipped subset) served by a loopback server.
        /// </summary>
        private static Dictionary<string, byte[]> SmallMnistFiles(TempFolder scratch)
        {
            var files = new Dictionary<string, byte[]>();
            foreach (var (split, set) in new[] { (MnistSplit.Train, Digits.Train(30)),
                (MnistSplit.Test, Digits.Subset.Test.Take(10)) })
            {
                var (images, labels) = MnistFiles.Names(split);
                foreach (var (name, array) in new[] { (images, set.ImagesAsIdx()), (labels, set.LabelsAsIdx()) })
                {
                    IdxWriter.Write(scratch.File(name + ".gz"), array);
                    files[name + ".gz"] = File.ReadAllBytes(scratch.File(name + ".gz"));
                }
            }
            return files;
        }

        private static MnistDownloader.Options OptionsFor(IEnumerable<Uri> baseAddresses,
            Dictionary<string, byte[]> files,
            System.Net.Http.HttpClient client) => new MnistDownloader.Options
        {
            BaseAddresses = baseAddresses.ToList(),
            HttpClient = client,
            Files = files.ToDictionary(f => f.Key, f => new ExpectedChecksum(Sha256Sums.OfBytes(f.Value))),
        };

        [Fact]
        public async Task DownloadsEveryFile_FallingBackPastADeadMirror_AndTheFolderLoads()
        {
            using var scratch = new TempFolder();
            using var target = new TempFolder();
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            var files = SmallMnistFiles(scratch);
            foreach (var f in files) server.Files[f.Key] = f.Value;

            var downloader =
                new MnistDownloader(OptionsFor(new[] { LoopbackHttpServer.DeadAddress(), server.BaseAddress },
                    files, client));
            await downloader.DownloadAsync(target.Path);

            var dataset = MnistDataset.Load(target.Path);
            Assert.Equal(30, dataset.Train.Count);
            Assert.Equal(Digits.Train(30).Pixels, dataset.Train.Pixels);
            Assert.Equal(files.Keys.OrderBy(k => k), Directory.GetFiles(target.Path).Select(Path.GetFileName)
                .OrderBy(k => k));
        }

        [Fact]
        public async Task EveryMirrorDead_ListsEachAddress()
        {
            using var scratch = new TempFolder();
            using var target = new TempFolder();
            using var client = LoopbackHttpServer.CreateClient();
            var files = SmallMnistFiles(scratch);
            Uri a = LoopbackHttpServer.DeadAddress(), b = LoopbackHttpServer.DeadAddress();
            var e = await Assert.ThrowsAsync<IOException>(() =>
                new MnistDownloader(OptionsFor(new[] { a, b }, files, client)).DownloadAsync(target.Path));
            Assert.Contains(a.Authority, e.Message);
            Assert.Contains(b.Authority, e.Message);
            Assert.Empty(Directory.GetFiles(target.Path));
        }

        [Fact]
        public async Task ChecksumMismatch_StopsAtOnce_AndLeavesNothing()
        {
            using var scratch = new TempFolder();
            using var target = new TempFolder();
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            var files = SmallMnistFiles(scratch);
            foreach (var f in files) server.Files[f.Key] = f.Value;
            var options = OptionsFor(new[] { server.BaseAddress }, files, client);
            string victim = MnistFiles.TrainImages + ".gz";
            server.Files[victim] = files[victim].Reverse().ToArray();
            options.Files = new[] { victim }.ToDictionary(n => n, n => options.Files[n]);

            var e = await Assert.ThrowsAsync<InvalidDataException>(() => new MnistDownloader(options)
                .DownloadAsync(target.Path));
            Assert.Contains(victim, e.Message);
            Assert.Empty(Directory.GetFiles(target.Path));
        }

        [Fact]
        public async Task RecompressedMirrorFile_IsAcceptedByItsContentHash()
        {
            using var scratch = new TempFolder();
            using var target = new TempFolder();
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            var labels = new IdxArray(new[] { 6 }, new byte[] { 5, 0, 4, 1, 9, 2 });
            IdxWriter.Write(scratch.File("ours.gz"), labels);
            byte[] raw;
            using (var memory = new MemoryStream()) { IdxWriter.Write(memory, labels); raw = memory.ToArray(); }
            byte[] theirs;
            using (var memory = new MemoryStream())
            {
                using (var gzip = new GZipStream(memory, CompressionLevel.NoCompression, leaveOpen: true))
                    gzip.Write(raw);
                theirs = memory.ToArray();
            }
            Assert.NotEqual(File.ReadAllBytes(scratch.File("ours.gz")), theirs);
            server.Files["labels.gz"] = theirs;
            var options = new MnistDownloader.Options
            {
                BaseAddresses = new List<Uri> { server.BaseAddress },
                HttpClient = client,
                Files = new Dictionary<string, ExpectedChecksum>
                {
                    ["labels.gz"] = new ExpectedChecksum(Sha256Sums.OfFile(scratch.File("ours.gz")),
                        Sha256Sums.OfBytes(raw)),
                },
            };

            await new MnistDownloader(options).DownloadAsync(target.Path);
            Assert.Equal(labels.Data, IdxReader.ReadLabels(Path.Combine(target.Path, "labels.gz")).Data);
        }

        [FullMnistFact]
        public void DefaultChecksums_MatchTheSharedSha256Sums()
        {
            // The shipped constants must agree with the team's copy's SHA256SUMS.
            string shared = RepositoryPaths.FullMnist();
            var sums = Sha256Sums.Read(Path.Combine(shared, Sha256Sums.FileName));
            Assert.Equal(sums.Keys.OrderBy(k => k), MnistDownloader.Files.Keys.OrderBy(k => k));
            foreach (var (name, expected) in MnistDownloader.Files)
                Assert.Equal(sums[name], expected.FileSha256);
        }

        [FullMnistFact]
        public void DefaultChecksums_AcceptTheSharedFiles()
        {
            string shared = RepositoryPaths.FullMnist();
            foreach (var (name, expected) in MnistDownloader.Files)
                Assert.True(expected.Matches(Path.Combine(shared, name), out string actual), $"{name}: {actual}");
        }
    }
}
