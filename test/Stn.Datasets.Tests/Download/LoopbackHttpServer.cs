using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Stn.Datasets.Tests.Download
{
    /// <summary>
    /// A minimal HTTP/1.1 server on 127.0.0.1 with a free port (chosen by the OS), serving in-memory files with Range
    /// support, one request per connection. It can cut a response short to simulate a dropped connection, and records
    /// every request. Tests use it so that nothing ever leaves the loopback interface.
    /// </summary>
    public sealed class LoopbackHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Task _loop;

        public LoopbackHttpServer()
        {
            _listener.Start();
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/data/");
            _loop = Task.Run(AcceptLoop);
        }

        /// <summary>The folder URL files are served under.</summary>
        public Uri BaseAddress { get; }

        /// <summary>Files by name (under <see cref="BaseAddress"/>).</summary>
        public ConcurrentDictionary<string, byte[]> Files { get; } = new ConcurrentDictionary<string, byte[]>();

        /// <summary>Whether Range requests get 206 replies (else the whole file with 200).</summary>
        public bool SupportsRanges { get; set; } = true;

        /// <summary>When set, the next response sends only this many body bytes, then drops the connection.</summary>
        public int? CutNextResponseAfter { get; set; }

        /// <summary>Every request as "GET /path" plus " Range=bytes=N-" when a range was asked for.</summary>
        public ConcurrentQueue<string> Requests { get; } = new ConcurrentQueue<string>();

        /// <summary>A client that never uses a proxy, so requests go straight to the loopback server.</summary>
        public static HttpClient CreateClient() =>
            new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

        /// <summary>A loopback address on which nothing listens (connections are refused).</summary>
        public static Uri DeadAddress()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return new Uri($"http://127.0.0.1:{port}/data/");
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var (path, headers) = await ReadRequest(stream);
                    headers.TryGetValue("range", out string range);
                    Requests.Enqueue("GET " + path + (range is null ? "" : " Range=" + range));
                    string prefix = BaseAddress.AbsolutePath;
                    if (!path.StartsWith(prefix, StringComparison.Ordinal)
                        || !Files.TryGetValue(path.Substring(prefix.Length), out byte[] file))
                    {
                        await Write(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                            Array.Empty<byte>(), null);
                        return;
                    }
                    int? cut = CutNextResponseAfter;
                    CutNextResponseAfter = null;
                    long start = 0;
                    if (SupportsRanges && range is not null && range.StartsWith("bytes=") && range.EndsWith("-"))
                        start = long.Parse(range.Substring(6, range.Length - 7));
                    if (start > file.Length || (start == file.Length && start > 0))
                    {
                        await Write(stream,
                            "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes " +
                            $"*/{file.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                            Array.Empty<byte>(), null);
                        return;
                    }
                    byte[] body = file.AsSpan((int)start).ToArray();
                    string status = start > 0
                        ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " +
                        $"{start}-{file.Length - 1}/{file.Length}\r\n"
                        : "HTTP/1.1 200 OK\r\n";
                    await Write(stream, status + $"Content-Length: {body.Length}\r\nAccept-Ranges: " +
                        "bytes\r\nConnection: close\r\n\r\n", body, cut);
                }
                catch (IOException) { /* the client went away */ }
            }
        }

        private static async Task Write(NetworkStream stream, string head, byte[] body, int? cut)
        {
            byte[] headBytes = Encoding.ASCII.GetBytes(head);
            await stream.WriteAsync(headBytes);
            await stream.WriteAsync(body.AsMemory(0, Math.Min(body.Length, cut ?? body.Length)));
            await stream.FlushAsync();
        }

        private static async Task<(string Path, Dictionary<string, string> Headers)> ReadRequest(NetworkStream stream)
        {
            var bytes = new List<byte>();
            var buffer = new byte[1];
            while (bytes.Count < 4
                || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
            {
                if (await stream.ReadAsync(buffer) == 0)
                    throw new IOException("The request ended before its headers did.");
                bytes.Add(buffer[0]);
            }
            string[] lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n");
            string path = lines[0].Split(' ')[1];
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in lines[1..])
            {
                int colon = line.IndexOf(':');
                if (colon > 0)
                    headers[line.Substring(0, colon).Trim().ToLowerInvariant()] = line.Substring(colon + 1).Trim();
            }
            return (path, headers);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        }
    }
}
