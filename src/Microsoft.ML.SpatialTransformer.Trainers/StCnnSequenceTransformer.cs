using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Persistence;
using Microsoft.ML.SpatialTransformer.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers.Persistence;
using Microsoft.ML.SpatialTransformer.Trainers.Scoring;
using Microsoft.ML.Trainers;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(StCnnSequenceTransformer), null, typeof(SignatureLoadModel),
    StCnnSequenceTransformer.UserName, StCnnSequenceTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(StCnnSequenceTransformer), null, typeof(SignatureLoadRowMapper),
    StCnnSequenceTransformer.UserName, StCnnSequenceTransformer.LoaderSignature)]

namespace Microsoft.ML.SpatialTransformer.Trainers
{
    /// <summary>
    /// A trained multi-digit sequence reader (<see cref="StCnnSequenceEstimator"/>): adds PredictedSequence (text: the
    /// most probable class of each position, read up to the first "none") and Score (Vector&lt;Single, 5, 11&gt;:
    /// position
    /// p's probabilities of the digits 0-9, then of "none", at [p, 0..10]). Saves and loads with
    /// <c>mlContext.Model</c>;
    /// <see cref="ExportOnnx(Stream)"/> writes the network.
    /// </summary>
    /// <remarks>
    /// Not disposable on purpose, as the other models here: a PredictionEngine disposes its transformer. The network's
    /// native memory is released when the garbage collector reclaims it.
    /// </remarks>
    public sealed class StCnnSequenceTransformer : RowToRowTransformerBase, ITransformer
    {
        internal const string UserName = "ST-CNN digit sequence reader";
        internal const string LoaderSignature = "StCnnSequence";
        /// <summary>The default name of the predicted text column.</summary>
        public const string DefaultPredictedSequenceColumnName = "PredictedSequence";
        private const string WeightsEntry = "TSModel";
        private const int Positions = DigitSequenceLabels.MaxPositions;
        private const int Classes = DigitSequenceLabels.ClassesPerPosition;

        private readonly StNetwork _network;
        private readonly int[] _featureDimensions;
        private readonly List<EpochMetrics> _history;

        internal StCnnSequenceTransformer(IHostEnvironment env, StNetwork network, int[] featureDimensions,
            IEnumerable<EpochMetrics> history, string featureColumnName, string predictedSequenceColumnName,
            string scoreColumnName)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(StCnnSequenceTransformer)))
        {
            _network = network;
            _network.eval();
            _featureDimensions = featureDimensions;
            _history = history.ToList();
            FeatureColumnName = featureColumnName;
            PredictedSequenceColumnName = predictedSequenceColumnName;
            ScoreColumnName = scoreColumnName;
        }

        /// <summary>The image column read.</summary>
        public string FeatureColumnName { get; }
        /// <summary>The predicted text column added.</summary>
        public string PredictedSequenceColumnName { get; }
        /// <summary>The per-position probabilities column added.</summary>
        public string ScoreColumnName { get; }
        /// <summary>The architecture of the trained network (its Classes: 5 positions x 11).</summary>
        public StNetworkOptions Network => _network.Options;
        /// <summary>Per-epoch training metrics (accuracy: whole sequences right), in order.</summary>
        public IReadOnlyList<EpochMetrics> History => _history;

        private ImageShape Shape => ImageShape.InputOf(Network);

        // *** Binary format (0x00010001) ***
        // network options (StNetworkOptionsFormat)
        // int: positions (5), int: classes per position (11)
        // int: feature dimension count; int[]: feature dimensions
        // string: feature, predicted sequence and score column names
        // int: history count; per epoch: int epoch, double lr, loss, accuracy, validation loss (NaN: none), validation
        // accuracy (NaN: none), seconds
        // byte[32] SHA-256 of the architecture, byte[32] SHA-256 of the weights
        // stream "TSModel": the network's weights (TorchSharp Module.save)
        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "STCNNSEQ",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(StCnnSequenceTransformer).Assembly.FullName);

        private StCnnSequenceTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(StCnnSequenceTransformer)))
        {
            var options = StNetworkOptionsFormat.Read(Host, ctx.Reader);
            int positions = LoadLimits.ReadInt(Host, ctx.Reader, "positions", Positions, Positions);
            int classes = LoadLimits.ReadInt(Host, ctx.Reader, "classes per position", Classes, Classes);
            Host.CheckDecode(options.Classes == positions * classes,
                $"The network has {options.Classes} outputs; {positions} positions of {classes} classes " +
                $"need {positions * classes}.");
            int dims = LoadLimits.ReadInt(Host, ctx.Reader, "feature dimension count", 1, 3);
            _featureDimensions = new int[dims];
            for (int i = 0; i < dims; i++)
                _featureDimensions[i] = LoadLimits.ReadInt(Host, ctx.Reader, $"feature dimension {i}", 1, int.MaxValue);
            long imageSize = (long)options.InputChannels * options.InputHeight * options.InputWidth;
            Host.CheckDecode(_featureDimensions.Aggregate(1L, (a, d) => a * d) == imageSize,
                $"The feature dimensions ({string.Join("x", _featureDimensions)}) do not hold the network's input " +
                $"of {imageSize} values.");
            FeatureColumnName = ctx.Reader.ReadString();
            PredictedSequenceColumnName = ctx.Reader.ReadString();
            ScoreColumnName = ctx.Reader.ReadString();
            _history = EpochHistoryFormat.Read(Host, ctx.Reader);
            var weights = WeightsIntegrity.ReadCheckedWeights(Host, ctx, WeightsEntry, hashed: true,
                StNetworkOptionsFormat.ArchitectureHash(options, _featureDimensions), "StCnnSequence model");
            NetworkSizeBound.Of(options).Check(Host, "The saved StCnnSequence network description", weights.LongLength);
            TorchNativeLibrary.EnsureLoaded();
            _network = new StNetwork(options);
            try { WeightsIntegrity.LoadInto(Host, _network, weights, WeightsEntry, "network"); }
            catch { _network.Dispose(); throw; }
            _network.eval();
        }

        // Factory for SignatureLoadModel: private constructor + internal Create, as ML.NET's loader requires.
        internal static StCnnSequenceTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new StCnnSequenceTransformer(env, ctx);
        }

        // Factory for SignatureLoadRowMapper.
        private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema)
            => Create(env, ctx).MakeRowMapper(inputSchema);

        /// <inheritdoc/>
        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            StNetworkOptionsFormat.Write(ctx.Writer, Network);
            ctx.Writer.Write(Positions);
            ctx.Writer.Write(Classes);
            ctx.Writer.Write(_featureDimensions.Length);
            foreach (int d in _featureDimensions) ctx.Writer.Write(d);
            ctx.Writer.Write(FeatureColumnName);
            ctx.Writer.Write(PredictedSequenceColumnName);
            ctx.Writer.Write(ScoreColumnName);
            EpochHistoryFormat.Write(ctx.Writer, _history);
            var weights = WeightsIntegrity.Serialize(_network);
            WeightsIntegrity.WriteHashes(ctx.Writer,
                StNetworkOptionsFormat.ArchitectureHash(Network, _featureDimensions),
                WeightsIntegrity.Hash(weights));
            ctx.SaveBinaryStream(WeightsEntry, w => w.Write(weights));
        }

        /// <summary>
        /// Writes the network as ONNX (opset 17): input "image" [N,C,H,W]; outputs "probabilities" [N,5,11] (a softmax
        /// per
        /// position), "predicted_label" [N,5] (int64: 0-9 a digit, 10 "none") and "theta_i" per spatial transformer.
        /// </summary>
        public void ExportOnnx(Stream destination) =>
            Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter.Export(_network, destination, Positions);

        /// <summary>As <see cref="ExportOnnx(Stream)"/>, to a file written through a temporary file.</summary>
        public void ExportOnnx(string path) =>
            Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter.Export(_network, path, Positions);

        /// <inheritdoc/>
        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        /// <summary>
        /// Adds PredictedSequence and Score, lazily as a cursor moves, <see cref="BatchScorer.DefaultBatchSize"/> rows
        /// per native call (a PredictionEngine scores one row per call). A row's scores do not depend on the other
        /// rows of its call: every call runs at the full batch shape.
        /// </summary>
        public new IDataView Transform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            var mapper = new Mapper(this, input.Schema);
            var scorer = new BatchScorer(_network, Positions);
            const int size = Positions * Classes;
            // Output 0 (the text) reads its copy of the probabilities; output 1 is Score.
            var map = new BatchedVectorMap(new[] { mapper.FeatureIndex }, new[] { Shape.Size }, new[] { size, size },
                BatchScorer.DefaultBatchSize, (inputs, rows, firstRow, outputs) =>
                {
                    scorer.Score(inputs[0], rows, outputs[1], null);
                    Array.Copy(outputs[1], outputs[0], rows * size);
                })
            {
                FixedBatchShape = true,
                TextDecoders = new TextDecoder[] { Decode, null },
            };
            return new BatchedMapDataView(Host, input, ((IRowMapper)mapper).GetOutputColumns(), map, SaveAsOnnx);
        }

        // mlContext.Model.ConvertToOnnx: Score and PredictedSequence, bound to the pipeline's columns.
        private void SaveAsOnnx(Microsoft.ML.Model.OnnxConverter.OnnxContext ctx) =>
            Onnx.StCnnSequenceOnnxConversion.Write(Host, ctx, _network, Shape, FeatureColumnName,
                PredictedSequenceColumnName, ScoreColumnName, LoaderSignature);

        /// <summary>Probabilities [5 x 11] of the one image in <paramref name="pixels"/> ([C,H,W] row-major).</summary>
        internal void PredictOne(float[] pixels, float[] probabilities)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            // [1,C,H,W]
            var x = HostTensors.FromSpan(pixels, new long[] { 1, Shape.Channels, Shape.Height, Shape.Width });
            var logits = _network.call(x).view(1, Positions, Classes); // [1,P,K]
            HostTensors.CopyTo(nn.functional.softmax(logits, 2), probabilities);
        }

        /// <summary>The text of per-position probabilities [5 x 11]: each position's most probable class, up to the
        /// first "none".</summary>
        internal static string Decode(ReadOnlySpan<float> probabilities)
        {
            Span<int> classes = stackalloc int[Positions];
            for (int p = 0; p < Positions; p++)
            {
                var row = probabilities.Slice(p * Classes, Classes);
                int best = 0;
                for (int k = 1; k < Classes; k++) if (row[k] > row[best]) best = k;
                classes[p] = best;
            }
            return DigitSequenceLabels.Format(classes);
        }

        private sealed class Mapper : MapperBase
        {
            private readonly StCnnSequenceTransformer _parent;
            private readonly int _featureIndex;

            public int FeatureIndex => _featureIndex;

            public Mapper(StCnnSequenceTransformer parent, DataViewSchema inputSchema)
                : base(parent.Host.Register(nameof(Mapper)), inputSchema, parent)
            {
                _parent = parent;
                var features = inputSchema.GetColumnOrNull(parent.FeatureColumnName)
                    ?? throw Host.ExceptSchemaMismatch(nameof(inputSchema), "feature", parent.FeatureColumnName);
                parent.Shape.CheckColumn(Host, nameof(inputSchema), parent.FeatureColumnName, features.Type);
                _featureIndex = features.Index;
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => new[]
            {
                new DataViewSchema.DetachedColumn(_parent.PredictedSequenceColumnName, TextDataViewType.Instance),
                new DataViewSchema.DetachedColumn(_parent.ScoreColumnName,
                    new VectorDataViewType(NumberDataViewType.Single, Positions, Classes)),
            };

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
            {
                bool any = activeOutput(0) || activeOutput(1);
                return col => any && col == _featureIndex;
            }

            protected override void SaveModel(ModelSaveContext ctx) => _parent.SaveModel(ctx);

            // One forward pass per row feeds both columns.
            public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput,
                out Action disposer)
            {
                disposer = null;
                var getters = new Delegate[2];
                // A cursor over the input columns alone has the feature column inactive: nothing to read then.
                if (!activeOutput(0) && !activeOutput(1))
                    return getters;
                var read = InputReader.Create(Host, input, input.Schema[_featureIndex]);
                var pixels = new float[_parent.Shape.Size];
                var probabilities = new float[Positions * Classes];
                long cached = -1;
                void Compute()
                {
                    if (cached == input.Position) return;
                    read(pixels);
                    _parent.PredictOne(pixels, probabilities);
                    cached = input.Position;
                }
                if (activeOutput(0))
                    getters[0] = (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) =>
                    {
                        Compute();
                        dst = Decode(probabilities).AsMemory();
                    });
                if (activeOutput(1))
                    getters[1] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                    {
                        Compute();
                        var editor = VBufferEditor.Create(ref dst, probabilities.Length);
                        probabilities.AsSpan().CopyTo(editor.Values);
                        dst = editor.Commit();
                    });
                return getters;
            }

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput,
                out Action disposer)
                => CreateGetters(input, i => i == iinfo, out disposer)[iinfo];
        }
    }
}
