using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Stn.Datasets.Mnist;

namespace Stn.Datasets.Download
{
    /// <summary>
    /// Downloads the four MNIST ".gz" files into a folder with <see cref="VerifiedDownload"/> (resumable, verified,
    /// atomic), trying each base address in turn until one serves the file. A network error moves on to the next
    /// address; a checksum mismatch stops at once. The folder is then readable by <see cref="MnistDataset.Load"/>.
    /// </summary>
    public sealed class MnistDownloader
    {
        /// <summary>Defaults of <see cref="Options"/>.</summary>
        public static class Defaults
        {
            /// <summary>
            /// Public mirrors of the original files (the first is torchvision's, the second TensorFlow's);
            /// yann.lecun.com itself often refuses downloads. Each address is a folder URL.
            /// </summary>
            public static IReadOnlyList<Uri> BaseAddresses { get; } = new[]
            {
                new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),
            };

            /// <summary>HttpClient.Timeout of the client the downloader makes.</summary>
            public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
        }

        /// <summary>Settings of a <see cref="MnistDownloader"/>.</summary>
        public sealed class Options
        {
            /// <summary>Folder URLs tried in order; a file's address is the base address plus its ".gz" name.</summary>
            public IList<Uri> BaseAddresses { get; set; } = Defaults.BaseAddresses.ToList();

            /// <summary>
            /// The client to use (e.g. one with a proxy); null makes one with <see cref="Timeout"/>, disposed after the
            /// download.
            /// </summary>
            public HttpClient HttpClient { get; set; }

            /// <summary>
            /// HttpClient.Timeout of the client the downloader makes when <see cref="HttpClient"/> is null.
            /// </summary>
            public TimeSpan Timeout { get; set; } = Defaults.Timeout;

            /// <summary>The files and checksums to fetch; default <see cref="MnistDownloader.Files"/>.</summary>
            public IReadOnlyDictionary<string, ExpectedChecksum> Files { get; set; } = MnistDownloader.Files;
        }

        /// <summary>
        /// The expected SHA-256 of each ".gz" file (as in the team's shared copy, ../shared/data/mnist/SHA256SUMS) and
        /// of its decompressed content (the original IDX bytes), so a mirror's recompressed file is accepted too.
        /// </summary>
        public static IReadOnlyDictionary<string, ExpectedChecksum> Files { get; } =
            new Dictionary<string, ExpectedChecksum>
        {
            [MnistFiles.TrainImages + MnistFiles.GzipSuffix] = new ExpectedChecksum(
                "148823ae99ece007054acf9c735f1a1d001c447cc6079e8bfd0d32376ca1b3bc",
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            [MnistFiles.TrainLabels + MnistFiles.GzipSuffix] = new ExpectedChecksum(
                "ed7b733667ddaa6f06e041185acb2c652ab4b4a753cb3bee8caa4f3579bff797",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            [MnistFiles.TestImages + MnistFiles.GzipSuffix] = new ExpectedChecksum(
                "35e9c52bebcbbbee3e725bfa780904557c84c7f4ee8a5e444bd783b1e9c7f68d",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            [MnistFiles.TestLabels + MnistFiles.GzipSuffix] = new ExpectedChecksum(
                "ecad13b901ffc4aa36ae93723f084574b47d7125695182b65fec8dc69df0e9ca",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        };

        private readonly Options _options;

        /// <summary>Creates a downloader; null options mean the defaults.</summary>
        public MnistDownloader(Options options = null)
        {
            _options = options ?? new Options();
            if (_options.BaseAddresses is null || _options.BaseAddresses.Count == 0)
                throw new ArgumentException("Options.BaseAddresses must hold at least one address; got none.",
                    nameof(options));
            if (_options.Files is null || _options.Files.Count == 0)
                throw new ArgumentException("Options.Files must name at least one file; got none.", nameof(options));
        }

        /// <summary>
        /// Downloads every file into <paramref name="folder"/> (files already there and valid are kept). Returns the
        /// folder.
        /// </summary>
        public async Task<string> DownloadAsync(string folder, CancellationToken cancellationToken = default)
        {
            if (folder is null) throw new ArgumentNullException(nameof(folder));
            HttpClient client = _options.HttpClient ?? new HttpClient { Timeout = _options.Timeout };
            try
            {
                foreach (var file in _options.Files)
                    await DownloadOneAsync(client, folder, file.Key, file.Value, cancellationToken)
                        .ConfigureAwait(false);
            }
            finally
            {
                if (_options.HttpClient is null) client.Dispose();
            }
            return folder;
        }

        /// <summary>The blocking form of <see cref="DownloadAsync"/>, for console apps and scripts.</summary>
        public string Download(string folder) => DownloadAsync(folder).GetAwaiter().GetResult();

        private async Task DownloadOneAsync(HttpClient client, string folder, string name, ExpectedChecksum expected,
            CancellationToken cancellationToken)
        {
            var failures = new List<string>();
            foreach (Uri baseAddress in _options.BaseAddresses)
            {
                // A folder URL without its final '/' would lose its last segment when combined.
                string folderUrl = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress.AbsoluteUri
                    : baseAddress.AbsoluteUri + "/";
                var address = new Uri(new Uri(folderUrl), name);
                try
                {
                    await VerifiedDownload.DownloadAsync(client, address, Path.Combine(folder, name), expected,
                        cancellationToken)
                        .ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException
                                          || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    failures.Add($"{address}: {e.Message}");
                }
            }
            throw new IOException($"Could not download '{name}': every base address failed:{Environment.NewLine}  " +
                                  string.Join(Environment.NewLine + "  ", failures));
        }
    }
}
