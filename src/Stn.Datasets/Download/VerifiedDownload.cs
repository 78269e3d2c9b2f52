using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Stn.Datasets.Download
{
    /// <summary>
    /// Downloads one file, resumably and atomically:
    /// <list type="number">
    /// <item>a destination that already matches its checksum is kept and nothing is requested;</item>
    /// <item>the bytes go to <c>&lt;destination&gt;.part</c>; if that exists from an interrupted run, only the rest is
    /// asked for (HTTP Range). A 206 reply is appended, a 200 reply (server ignores ranges) replaces the partial
    /// file;</item>
    /// <item>the partial file is verified against the expected SHA-256, then moved over the destination. On a mismatch
    /// it is deleted and an <see cref="InvalidDataException"/> names the file, the expected and the actual hash.</item>
    /// </list>
    /// A network failure leaves the partial file in place for the next attempt to resume.
    /// </summary>
    public static class VerifiedDownload
    {
        /// <summary>The suffix of partial downloads.</summary>
        public const string PartialSuffix = ".part";

        /// <summary>
        /// Downloads <paramref name="address"/> to <paramref name="destination"/> as described on the type.
        /// </summary>
        public static async Task DownloadAsync(HttpClient client, Uri address, string destination,
            ExpectedChecksum expected,
            CancellationToken cancellationToken = default)
        {
            if (client is null) throw new ArgumentNullException(nameof(client));
            if (address is null) throw new ArgumentNullException(nameof(address));
            if (destination is null) throw new ArgumentNullException(nameof(destination));
            if (expected is null) throw new ArgumentNullException(nameof(expected));
            destination = Path.GetFullPath(destination);
            if (File.Exists(destination) && expected.Matches(destination, out _)) return;
            Directory.CreateDirectory(Path.GetDirectoryName(destination));

            string partial = destination + PartialSuffix;
            long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            using (var request = new HttpRequestMessage(HttpMethod.Get, address))
            {
                if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead,
                    cancellationToken)
                    .ConfigureAwait(false);
                // 416: nothing left after the partial file's length; it may be complete, so go on to verify it.
                if (!(have > 0 && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable))
                {
                    if (!response.IsSuccessStatusCode)
                        throw new HttpRequestException(
                            $"Downloading '{Path.GetFileName(destination)}' from {address}: expected HTTP 200 or " +
                            $"206, got {(int)response.StatusCode} {response.ReasonPhrase}.",
                            null, response.StatusCode);
                    bool append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                    if (append && response.Content.Headers.ContentRange?.From is long from && from != have)
                        throw new HttpRequestException(
                            $"Resuming '{Path.GetFileName(destination)}' from {address}: expected a range starting " +
                            $"at byte {have}, got one starting at {from}.");
                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken)
                        .ConfigureAwait(false);
                    await using var file = new FileStream(partial, append ? FileMode.Append : FileMode.Create,
                        FileAccess.Write, FileShare.None, 1 << 16);
                    await body.CopyToAsync(file, 1 << 16, cancellationToken).ConfigureAwait(false);
                }
            }

            if (!expected.Matches(partial, out string actual))
            {
                File.Delete(partial);
                throw new InvalidDataException(
                    $"Checksum mismatch for '{Path.GetFileName(destination)}' downloaded from {address}: expected " +
                    $"SHA-256 {expected}, got {actual}. " +
                    "The partial download was deleted; nothing was written.");
            }
            File.Move(partial, destination, overwrite: true);
        }
    }
}
