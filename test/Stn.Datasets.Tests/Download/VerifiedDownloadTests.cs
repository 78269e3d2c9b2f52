using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Stn.Datasets.Download;
using Stn.Datasets.IO;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Download
{
    public class VerifiedDownloadTests
    {
        private static byte[] Payload(int length, int seed)
        {
            var bytes = new byte[length];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }

        private static ExpectedChecksum ChecksumOf(byte[] bytes) => new ExpectedChecksum(Sha256Sums.OfBytes(bytes));

        [Fact]
        public async Task HappyPath_WritesTheVerifiedFileAndNothingElse()
        {
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            using var folder = new TempFolder();
            byte[] payload = Payload(100_000, 1);
            server.Files["a.bin"] = payload;

            await VerifiedDownload.DownloadAsync(client, new Uri(server.BaseAddress, "a.bin"), folder.File("a.bin"),
                ChecksumOf(payload));

            Assert.Equal(payload, File.ReadAllBytes(folder.File("a.bin")));
            Assert.Equal(new[] { "a.bin" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
            Assert.Equal(new[] { "GET /data/a.bin" }, server.Requests);
        }

        [Fact]
        public async Task ValidExistingFile_IsKeptWithoutARequest()
        {
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            using var folder = new TempFolder();
            byte[] payload = Payload(1000, 2);
            File.WriteAllBytes(folder.File("a.bin"), payload);

            await VerifiedDownload.DownloadAsync(client, new Uri(server.BaseAddress, "a.bin"), folder.File("a.bin"),
                ChecksumOf(payload));
            Assert.Empty(server.Requests);
        }

        [Fact]
        public async Task DroppedConnection_LeavesAPartialFile_ThatTheNextCallResumes()
        {
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            using var folder = new TempFolder();
            byte[] payload = Payload(300_000, 3);
            server.Files["a.bin"] = payload;
            server.CutNextResponseAfter = 120_000;
            var address = new Uri(server.BaseAddress, "a.bin");

            await Assert.ThrowsAnyAsync<IOException>(() =>
                VerifiedDownload.DownloadAsync(client, address, folder.File("a.bin"), ChecksumOf(payload)));
            Assert.False(File.Exists(folder.File("a.bin")));
            long partial = new FileInfo(folder.File("a.bin.part")).Length;
            Assert.InRange(partial, 1, payload.Length - 1);

            await VerifiedDownload.DownloadAsync(client, address, folder.File("a.bin"), ChecksumOf(payload));

            Assert.Equal(payload, File.ReadAllBytes(folder.File("a.bin")));
            Assert.False(File.Exists(folder.File("a.bin.part")));
            Assert.Equal(new[] { "GET /data/a.bin", $"GET /data/a.bin Range=bytes={partial}-" }, server.Requests);
        }

        [Fact]
        public async Task ServerWithoutRanges_RestartsFromTheBeginning()
        {
            using var server = new LoopbackHttpServer { SupportsRanges = false };
            using var client = LoopbackHttpServer.CreateClient();
            using var folder = new TempFolder();
            byte[] payload = Payload(50_000, 4);
            server.Files["a.bin"] = payload;
            File.WriteAllBytes(folder.File("a.bin.part"), payload[..20_000]);

            await VerifiedDownload.DownloadAsync(client, new Uri(server.BaseAddress, "a.bin"), folder.File("a.bin"),
                ChecksumOf(payload));
            Assert.Equal(payload, File.ReadAllBytes(folder.File("a.bin")));
        }

        [Fact]
        public async Task CompletePartialFile_IsVerifiedAfterA416()
        {
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            using var folder = new TempFolder();
            byte[] payload = Payload(5_000, 5);
            server.Files["a.bin"] = payload;
            File.WriteAllBytes(folder.File("a.bin.part"), payload);

            await VerifiedDownload.DownloadAsync(client, new Uri(server.BaseAddress, "a.bin"), folder.File("a.bin"),
                ChecksumOf(payload));
            Assert.Equal(payload, File.ReadAllBytes(folder.File("a.bin")));
        }

        [Fact]
        public async Task CorruptedDownload_LeavesNothingBehind_AndNamesFileExpectedAndActual()
        {
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            using var folder = new TempFolder();
            byte[] payload = Payload(40_000, 6);
            byte[] corrupted = (byte[])payload.Clone();
            corrupted[12_345] ^= 0xFF;
            server.Files["a.bin"] = corrupted;
            var expected = ChecksumOf(payload);

            var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
                VerifiedDownload.DownloadAsync(client, new Uri(server.BaseAddress, "a.bin"),
                    folder.File("a.bin"), expected));

            Assert.Contains("'a.bin'", e.Message);
            Assert.Contains(expected.FileSha256, e.Message);
            Assert.Contains(Sha256Sums.OfBytes(corrupted), e.Message);
            Assert.Empty(Directory.GetFiles(folder.Path));
        }

        [Fact]
        public async Task CorruptedPartialFile_IsDeletedAfterTheResumedDownloadFailsVerification()
        {
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            using var folder = new TempFolder();
            byte[] payload = Payload(40_000, 7);
            server.Files["a.bin"] = payload;
            byte[] badPrefix = Payload(10_000, 8); // not the file's first bytes
            File.WriteAllBytes(folder.File("a.bin.part"), badPrefix);
            var address = new Uri(server.BaseAddress, "a.bin");

            await Assert.ThrowsAsync<InvalidDataException>(() =>
                VerifiedDownload.DownloadAsync(client, address, folder.File("a.bin"), ChecksumOf(payload)));
            Assert.Empty(Directory.GetFiles(folder.Path));

            // The next attempt starts afresh and succeeds.
            await VerifiedDownload.DownloadAsync(client, address, folder.File("a.bin"), ChecksumOf(payload));
            Assert.Equal(payload, File.ReadAllBytes(folder.File("a.bin")));
        }

        [Fact]
        public async Task MissingFile_IsAnHttpErrorNamingTheStatus()
        {
            using var server = new LoopbackHttpServer();
            using var client = LoopbackHttpServer.CreateClient();
            using var folder = new TempFolder();
            var e = await Assert.ThrowsAsync<HttpRequestException>(() =>
                VerifiedDownload.DownloadAsync(client, new Uri(server.BaseAddress, "nope.bin"), folder.File("nope.bin"),
                    ChecksumOf(new byte[1])));
            Assert.Contains("404", e.Message);
            Assert.Empty(Directory.GetFiles(folder.Path));
        }
    }
}
