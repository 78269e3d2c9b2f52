using System;
using System.IO;
using System.Security.Cryptography;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.SpatialTransformer.Persistence
{
    /// <summary>
    /// SHA-256 checks of a saved network. The model's header (Model.key) records a hash of the architecture description
    /// and one of the weights entry's bytes; loading compares both before a network is built, so a damaged file or
    /// another model's weights fail clearly instead of loading and predicting wrong.
    /// </summary>
    internal static class WeightsIntegrity
    {
        public const int HashSize = 32;

        /// <summary>SHA-256 of what <paramref name="describe"/> writes: a canonical form of the architecture.</summary>
        public static byte[] ArchitectureHash(Action<BinaryWriter> describe)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                describe(writer);
            return SHA256.HashData(stream.ToArray());
        }

        /// <summary>The module's weights as TorchSharp's Module.save writes them.</summary>
        public static byte[] Serialize(torch.nn.Module module)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                module.save(writer);
            return stream.ToArray();
        }

        public static byte[] Hash(byte[] bytes) => SHA256.HashData(bytes);

        public static void WriteHashes(BinaryWriter writer, byte[] architectureHash, byte[] weightsHash)
        {
            writer.Write(architectureHash);
            writer.Write(weightsHash);
        }

        /// <summary>Reads the two hashes that <see cref="WriteHashes"/> wrote.</summary>
        public static (byte[] Architecture, byte[] Weights) ReadHashes(IExceptionContext ectx, BinaryReader reader)
        {
            var architecture = reader.ReadBytes(HashSize);
            var weights = reader.ReadBytes(HashSize);
            ectx.CheckDecode(weights.Length == HashSize, "The model's header ends before its SHA-256 hashes.");
            return (architecture, weights);
        }

        /// <summary>Fails unless the architecture read from the header hashes to what the header recorded.</summary>
        public static void CheckArchitecture(IExceptionContext ectx, ModelLoadContext ctx, byte[] stored, byte[] actual)
        {
            if (!stored.AsSpan().SequenceEqual(actual))
                throw ectx.ExceptDecode("The network description in " +
                    $"'{EntryPath(ctx, ModelLoadContext.ModelStreamName)}' does not match its " +
                    $"SHA-256 (recorded {Short(stored)}, computed {Short(actual)}): the model file is corrupted.");
        }

        /// <summary>
        /// The weights entry's bytes for a model whose header continues with the hashes when <paramref name="hashed"/>
        /// (its format has them): the architecture hash is checked against <paramref name="architectureHash"/> and the
        /// weights against theirs. A model saved before the hashes existed loads unchecked, with a warning naming
        /// <paramref name="what"/>.
        /// </summary>
        public static byte[] ReadCheckedWeights(IHostEnvironment env, ModelLoadContext ctx, string entry, bool hashed,
            byte[] architectureHash, string what)
        {
            byte[] weightsHash = null;
            if (hashed)
            {
                var hashes = ReadHashes(env, ctx.Reader);
                CheckArchitecture(env, ctx, hashes.Architecture, architectureHash);
                weightsHash = hashes.Weights;
            }
            else
            {
                using var ch = env.Start("Load");
                ch.Warning($"This {what} was saved before models recorded SHA-256 hashes of their weights; it loads " +
                    "without that check. Save it again to add them.");
            }
            return ReadWeights(env, ctx, entry, weightsHash);
        }

        /// <summary>
        /// Loads <paramref name="weights"/> into <paramref name="module"/>; a failure is a decode error naming the
        /// entry and <paramref name="what"/>.
        /// </summary>
        public static void LoadInto(IExceptionContext ectx, torch.nn.Module module, byte[] weights, string entry,
            string what)
        {
            try
            {
                using var stream = new MemoryStream(weights, writable: false);
                module.load(stream);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw ectx.ExceptDecode(e, $"The model's weights entry '{entry}' is corrupted or does not match the " +
                    $"saved {what} ({e.Message}).");
            }
        }

        /// <summary>
        /// The weights entry's bytes, read whole (bounded by the entry's length), checked against <paramref
        /// name="stored"/> when it is not null (models saved before the hashes existed have none).
        /// </summary>
        public static byte[] ReadWeights(IExceptionContext ectx, ModelLoadContext ctx, string entry, byte[] stored)
        {
            byte[] bytes = null;
            if (!ctx.TryLoadBinaryStream(entry, r => bytes = ReadToEnd(ectx, r.BaseStream, EntryPath(ctx, entry))))
                throw ectx.ExceptDecode($"The model has no weights entry '{EntryPath(ctx, entry)}'.");
            if (stored is not null)
            {
                var actual = Hash(bytes);
                if (!stored.AsSpan().SequenceEqual(actual))
                    throw ectx.ExceptDecode($"The weights entry '{EntryPath(ctx, entry)}' does not match the " +
                        "SHA-256 recorded in the model's " +
                        $"header (recorded {Short(stored)}, computed {Short(actual)}): the model file is corrupted " +
                        "or its weights belong to another model.");
            }
            return bytes;
        }

        private static byte[] ReadToEnd(IExceptionContext ectx, Stream stream, string path)
        {
            // ML.NET hands entries over as seekable copies, so the length is known before anything is allocated.
            long length = stream.Length - stream.Position;
            ectx.CheckDecode(length >= 0 && length <= Array.MaxLength,
                $"The weights entry '{path}' holds {length} bytes; expected 0 to {Array.MaxLength}.");
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return bytes;
        }

        private static string EntryPath(ModelLoadContext ctx, string entry)
            => string.IsNullOrEmpty(ctx.Directory) ? entry : $"{ctx.Directory.Replace('\\', '/')}/{entry}";

        private static string Short(byte[] hash)
            => Convert.ToHexString(hash, 0, Math.Min(8, hash.Length)).ToLowerInvariant() + "...";
    }
}
