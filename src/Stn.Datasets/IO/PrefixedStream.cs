using System;
using System.IO;

namespace Stn.Datasets.IO
{
    /// <summary>
    /// A read-only, forward-only stream that yields <c>prefix</c> and then the rest of <c>inner</c>: lets a reader
    /// sniff the first bytes of a non-seekable stream and still parse it from the start. Leaves <c>inner</c> open.
    /// </summary>
    internal sealed class PrefixedStream : Stream
    {
        private readonly byte[] _prefix;
        private readonly Stream _inner;
        private int _prefixPosition;

        public PrefixedStream(byte[] prefix, Stream inner)
        {
            _prefix = prefix ?? throw new ArgumentNullException(nameof(prefix));
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            if (_prefixPosition < _prefix.Length)
            {
                int n = Math.Min(buffer.Length, _prefix.Length - _prefixPosition);
                _prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
                _prefixPosition += n;
                return n;
            }
            return _inner.Read(buffer);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException();
            set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
