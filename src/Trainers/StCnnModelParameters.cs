using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Persistence;
using Microsoft.ML.SpatialTransformer.Scoring;
using Microsoft.ML.Trainers;
using Microsoft.ML.SpatialTransformer.Training;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(StCnnModelParameters), null, typeof(SignatureLoadModel),
    "ST-CNN multiclass model parameters", StCnnModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers
{
    /// <summary>
    /// A trained spatial-transformer image classifier: maps an image vector [C,H,W] to class probabilities (Score).
    /// Holds the TorchSharp network (on CPU for scoring) and its configuration; saves with mlContext.Model.Save.
    /// </summary>
    /// <remarks>
    /// Not disposable on purpose: ML.NET disposes the transformer behind a PredictionEngine when the engine is disposed
    /// (and its scorers dispose what they wrap), so a disposable model would die with the first engine. The network's
    /// native memory belongs to this object and is released when the garbage collector reclaims it.
    /// </remarks>
    public sealed class StCnnModelParameters : ModelParametersBase<VBuffer<float>>, IValueMapper, ISingleCanSaveOnnx
    {
        internal const string LoaderSignature = "StCnnModelParameters";
        private const string WeightsEntry = "TSModel";

        private readonly StNetwork _network;
        private readonly int[] _featureDimensions;
        private readonly string _featureColumnName;
        private readonly List<EpochMetrics> _history;
        private readonly ThreadLocal<LastPrediction> _lastPrediction;
        private readonly SingleImageThreading _singleImageThreading;
        private readonly NativeMemoryPressure _memoryPressure;
        private readonly SingleImageEngine _singleImageEngine;

        /// <summary>One thread's last scored input (see GetMapper).</summary>
        private sealed class LastPrediction
        {
            public LastPrediction(int pixels, int classes) { Pixels = new float[pixels]; Scores = new float[classes]; }
            public float[] Pixels { get; }
            public float[] Scores { get; }
            public bool Valid { get; set; }
        }

        internal StCnnModelParameters(IHostEnvironment env, StNetwork network, int[] featureDimensions,
            IEnumerable<EpochMetrics> history, string featureColumnName)
            : base(env, LoaderSignature)
        {
            _network = network;
            _network.eval();
            _featureDimensions = featureDimensions;
            _featureColumnName = featureColumnName;
            _history = history.ToList();
            _lastPrediction = new ThreadLocal<LastPrediction>(() => new LastPrediction(Shape.Size, ClassCount));
            _memoryPressure = NativeMemoryPressure.Of(_network);
            _singleImageThreading = new SingleImageThreading(Shape.Size);
            _singleImageEngine = new SingleImageEngine(ExportOnnxBytes, Shape, ClassCount);
        }

        private StCnnModelParameters(IHostEnvironment env, ModelLoadContext ctx) : base(env, LoaderSignature, ctx)
        {
            // *** Binary format ***
            // <base>: int sizeof(float)
            // network options (StNetworkOptionsFormat; layout 2 with the input normalization from 0x00010003, layout 3
            // with the fully connected input side from 0x00010004)
            // int: feature dimension count; int[]: feature dimensions
            // int: history count; per epoch: int epoch, double lr, loss, accuracy, validation loss (NaN: none),
            // validation accuracy (NaN: none), seconds Added in 0x00010002: byte[32] SHA-256 of the options and feature
            // dimensions, byte[32] SHA-256 of the "TSModel" entry Added in 0x00010004: id of string: the feature column
            // trained on (older models: "Features") stream "TSModel": the network's weights (TorchSharp Module.save)
            // Every field is range-checked as it is read and the network's size bounded before anything is built (issue
            // 11).
            var options = StNetworkOptionsFormat.Read(Host, ctx.Reader);
            int dims = LoadLimits.ReadInt(Host, ctx.Reader, "feature dimension count", 1, 3);
            _featureDimensions = new int[dims];
            for (int i = 0; i < dims; i++)
                _featureDimensions[i] = LoadLimits.ReadInt(Host, ctx.Reader, $"feature dimension {i}", 1, int.MaxValue);
            long imageSize = (long)options.InputChannels * options.InputHeight * options.InputWidth;
            long featureSize = _featureDimensions.Aggregate(1L, (a, d) => a * d);
            Host.CheckDecode(featureSize == imageSize,
                $"The feature dimensions ({string.Join("x", _featureDimensions)}) do not hold the network's input of {options.InputChannels}x{options.InputHeight}x{options.InputWidth}.");
            long remaining = ctx.Reader.BaseStream.Length - ctx.Reader.BaseStream.Position;
            int epochs = LoadLimits.ReadInt(Host, ctx.Reader, "history count", 0, (int)Math.Min(int.MaxValue, remaining / MetricsSize));
            _history = Enumerable.Range(0, epochs).Select(_ => ReadMetrics(ctx.Reader)).ToList();
            var weights = WeightsIntegrity.ReadCheckedWeights(Host, ctx, WeightsEntry, ctx.Header.ModelVerWritten >= VersionHashed,
                StNetworkOptionsFormat.ArchitectureHash(options, _featureDimensions), "StCnn model");
            NetworkSizeBound.Of(options).Check(Host, "The saved StCnn network description", weights.LongLength);
            _featureColumnName = ctx.Header.ModelVerWritten >= VersionFeatureColumn
                ? ctx.LoadNonEmptyString() : DefaultColumnNames.Features;
            TorchNativeLibrary.EnsureLoaded();
            _network = new StNetwork(options);
            try { WeightsIntegrity.LoadInto(Host, _network, weights, WeightsEntry, "network"); }
            catch { _network.Dispose(); throw; }
            _network.eval();
            _lastPrediction = new ThreadLocal<LastPrediction>(() => new LastPrediction(Shape.Size, ClassCount));
            _memoryPressure = NativeMemoryPressure.Of(_network);
            _singleImageThreading = new SingleImageThreading(Shape.Size);
            _singleImageEngine = new SingleImageEngine(ExportOnnxBytes, Shape, ClassCount);
        }

        // Factory for SignatureLoadModel: private constructor + internal Create, as ML.NET's loader requires.
        internal static StCnnModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new StCnnModelParameters(env, ctx);
        }

        /// <summary>0x00010002: SHA-256 hashes of the architecture and the weights in the header.</summary>
        private const uint VersionHashed = 0x00010002;
        /// <summary>
        /// 0x00010003: the network options' layout 2 (input normalization; its statistics are in the weights).
        /// </summary>
        private const uint VersionNormalized = 0x00010003;
        /// <summary>
        /// 0x00010004: the feature column the model was trained on, and the network options' layout 3 (the pooling side
        /// before the fully connected layers).
        /// </summary>
        private const uint VersionFeatureColumn = 0x00010004;

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "STCNNMCP",
            verWrittenCur: VersionFeatureColumn,
            verReadableCur: VersionFeatureColumn,
            verWeCanReadBack: 0x00010001, // Initial: no hashes, loads without the check
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(StCnnModelParameters).Assembly.FullName);

        /// <inheritdoc/>
        protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        /// <summary>The architecture of the trained network.</summary>
        public StNetworkOptions Network => _network.Options;

        /// <summary>Number of classes K of the Score vector.</summary>
        public int ClassCount => _network.Options.Classes;

        /// <summary>
        /// The feature (image) column the model was trained on: the default input column of <see
        /// cref="ScoreInBatches"/> and <see cref="GetSpatialTransformer"/>. Models saved before it was recorded give
        /// "Features".
        /// </summary>
        public string FeatureColumnName => _featureColumnName;

        /// <summary>Per-epoch training metrics, in order.</summary>
        public IReadOnlyList<EpochMetrics> History => _history;

        /// <summary>
        /// The runtime that scores single images (PredictionEngine calls, and every path that scores one row at a
        /// time); default <see cref="SpatialTransformer.ScoringEngine.Auto"/>: ONNX Runtime when the application ships
        /// its native library (the Microsoft.ML.OnnxRuntime package), TorchSharp otherwise. A runtime choice, not
        /// saved: a loaded model starts at Auto. Setting <see cref="SpatialTransformer.ScoringEngine.OnnxRuntime"/>
        /// builds the session at once and throws InvalidOperationException when ONNX Runtime cannot score this model.
        /// Batched scoring is unaffected.
        /// </summary>
        public ScoringEngine ScoringEngine
        {
            get => _singleImageEngine.Requested;
            set
            {
                CheckNotDisposed();
                _singleImageEngine.Requested = value;
            }
        }

        /// <summary>
        /// The engine single images run on now (TorchSharp or OnnxRuntime), as <see cref="ScoringEngine"/> resolved.
        /// </summary>
        internal ScoringEngine ActiveScoringEngine => _singleImageEngine.Active;

        private byte[] ExportOnnxBytes()
        {
            using var stream = new MemoryStream();
            Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter.Export(_network, stream);
            return stream.ToArray();
        }

        /// <summary>
        /// The trained network itself, for inspection or export. Disposing it ends this model: it can no longer score
        /// or be saved.
        /// </summary>
        public StNetwork TorchNetwork => _network;

        /// <summary>
        /// The trained spatial transformer number <paramref name="index"/> (an input one: the parallel STs in order, or
        /// the first ST of a series) as a transformer that adds, per row, the canonicalised image and the theta it
        /// regressed. The returned transformer holds its own copy of the weights.
        /// </summary>
        /// <param name="index">Which input spatial transformer, from 0.</param>
        /// <param name="inputColumnName">The image column it reads; null (default): <see
        /// cref="FeatureColumnName"/>.</param>
        /// <param name="outputColumnName">The canonicalised image column it adds; default "Canonical".</param>
        /// <param name="thetaColumnName">The theta column it adds; default "Theta".</param>
        public SpatialTransformTransformer GetSpatialTransformer(int index = 0, string inputColumnName = null,
            string outputColumnName = "Canonical", string thetaColumnName = "Theta")
        {
            CheckNotDisposed();
            inputColumnName ??= _featureColumnName;
            var o = Network;
            int inputTransformers = o.Transform == SpatialTransformKind.None ? 0 : o.SeriesTransformers > 0 ? 1 : o.ParallelTransformers;
            if (index < 0 || index >= inputTransformers)
                throw Host.ExceptParam(nameof(index), $"The model has {inputTransformers} spatial transformer(s) on its input; got index {index}.");
            Host.CheckNonEmpty(inputColumnName, nameof(inputColumnName));
            Host.CheckNonEmpty(outputColumnName, nameof(outputColumnName));
            Host.CheckNonEmpty(thetaColumnName, nameof(thetaColumnName));
            var st = _network.Transformers.ElementAt(index);
            var config = new SpatialTransformConfig(outputColumnName, inputColumnName, thetaColumnName, o.Transform, Shape,
                (int)st.OutputHeight, (int)st.OutputWidth, o.TpsGridSize, o.Sampling, o.Padding, SpatialTransformEstimator.Defaults.BatchSize)
            {
                Learned = true, Localisation = o.Localisation, LocalisationWidths = o.LocalisationWidths, InputNormalization = o.InputNormalization,
            };
            var module = config.CreateModule();
            SpatialTransformerCopy.Load(module, st, _network.InputNormalisation);
            return new SpatialTransformTransformer(Host, config, module);
        }

        /// <summary>
        /// Writes the model as ONNX (opset 17): input "image" [N,C,H,W], outputs "probabilities" (the Score),
        /// "predicted_label" (0-based class index) and "theta_i" per spatial transformer. See <see
        /// cref="Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter"/>.
        /// </summary>
        public void ExportOnnx(System.IO.Stream destination)
        {
            CheckNotDisposed();
            Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter.Export(_network, destination);
        }

        // True even when disposed: SaveAsOnnx then throws, where false would make ML.NET quietly leave the model out.
        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

        // mlContext.Model.ConvertToOnnx: ML.NET hands over the feature variable ([N,C,H,W] or [N, C*H*W]) and wants
        // PredictedLabel (a 1-based UInt32 key, [N,1]) and Score (probabilities [N,K]) written, as its own multiclass
        // models do.
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
        {
            CheckNotDisposed();
            Host.CheckValue(ctx, nameof(ctx));
            Host.Check(outputNames?.Length == 2, "expected the PredictedLabel and Score outputs");
            ctx.CheckOpSetVersion((int)Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter.MinimumOpset, LoaderSignature);
            var graph = Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter.ToModel(_network, Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter.MinimumOpset);

            string image = Microsoft.ML.SpatialTransformer.Onnx.OnnxContextWriter.Reshape(ctx, featureColumn,
                new long[] { -1, Shape.Channels, Shape.Height, Shape.Width }, "stn_image");

            string index = ctx.AddIntermediateVariable(null, "stn_predicted_index", skip: true); // int64 [N], 0-based
            Microsoft.ML.SpatialTransformer.Onnx.OnnxContextWriter.Write(graph, ctx,
                new Dictionary<string, string> { ["image"] = image },
                new Dictionary<string, string> { ["probabilities"] = outputNames[1], ["predicted_label"] = index });

            string column = ctx.AddIntermediateVariable(null, "stn_predicted_column", skip: true);
            ctx.CreateNode("Unsqueeze", index, column, ctx.GetNodeName("Unsqueeze"), "").AddAttribute("axes", new long[] { 1 });
            string key = ctx.AddIntermediateVariable(null, "stn_predicted_key", skip: true);
            ctx.CreateNode("Add", new[] { column, ctx.AddInitializer(1L, "stn_one") }, new[] { key }, ctx.GetNodeName("Add"), "");
            ctx.CreateNode("Cast", key, outputNames[0], ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(uint));
            return true;
        }

        /// <summary>
        /// As <see cref="ExportOnnx(System.IO.Stream)"/>, to a file written through a temporary file.
        /// </summary>
        public void ExportOnnx(string path)
        {
            CheckNotDisposed();
            Microsoft.ML.SpatialTransformer.Onnx.StNetworkOnnxExporter.Export(_network, path);
        }

        internal ImageShape Shape => new ImageShape(Network.InputChannels, Network.InputHeight, Network.InputWidth);

        /// <summary>The feature column's type the model scores: Vector&lt;Single&gt; of C*H*W values.</summary>
        public DataViewType InputType => new VectorDataViewType(NumberDataViewType.Single, _featureDimensions);

        /// <summary>The Score type: Vector&lt;Single&gt; of K class probabilities.</summary>
        public DataViewType OutputType => new VectorDataViewType(NumberDataViewType.Single, ClassCount);

        ValueMapper<TSrc, TDst> IValueMapper.GetMapper<TSrc, TDst>()
        {
            Host.Check(typeof(TSrc) == typeof(VBuffer<float>) && typeof(TDst) == typeof(VBuffer<float>),
                "StCnnModelParameters maps Vector<Single> features to a Vector<Single> score.");
            // ML.NET's scorer makes one mapper for Score and another for PredictedLabel, and both run on every row. The
            // last input and its scores are kept per thread (one PredictionEngine or cursor uses one thread at a time),
            // so the second ask costs a comparison, not a second forward pass.
            ValueMapper<VBuffer<float>, VBuffer<float>> map = (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                var last = _lastPrediction.Value;
                if (src.Length != last.Pixels.Length)
                    throw Host.Except($"The features hold {src.Length} values; the model expects {last.Pixels.Length} ({Shape}).");
                if (!last.Valid || !SameValues(src, last.Pixels))
                {
                    last.Valid = false;
                    src.CopyTo(last.Pixels);
                    PredictOne(last.Pixels, last.Scores);
                    last.Valid = true;
                }
                var editor = VBufferEditor.Create(ref dst, last.Scores.Length);
                last.Scores.AsSpan().CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return (ValueMapper<TSrc, TDst>)(Delegate)map;
        }

        private static bool SameValues(in VBuffer<float> src, float[] dense)
        {
            if (src.IsDense) return src.GetValues().SequenceEqual(dense);
            for (int i = 0; i < dense.Length; i++)
                if (src.GetItemOrDefault(i) != dense[i]) return false;
            return true;
        }

        /// <summary>
        /// Scores <paramref name="data"/> a batch at a time (one native call per <paramref name="batchSize"/> rows, a
        /// partial batch padded to the full size) and returns it, lazily, with "Score" (the class probabilities, as the
        /// prediction transformer's) and the theta each spatial transformer predicted for the row: "Theta" for the
        /// first, "Theta1", "Theta2", ... for the others (input transformers first; none for a plain CNN). The
        /// prediction transformer that Fit returns scores in batches too; this is the path to each prediction's learned
        /// transform.
        /// </summary>
        /// <param name="data">Rows with the image column (a float vector of the trained size, or an ML.NET
        /// image).</param>
        /// <param name="featureColumnName">The image column; null (default): <see cref="FeatureColumnName"/>.</param>
        /// <param name="batchSize">Rows per native call; default 256; positive.</param>
        public IDataView ScoreInBatches(IDataView data, string featureColumnName = null,
            int batchSize = Scoring.BatchScorer.DefaultBatchSize)
        {
            CheckNotDisposed();
            string column = featureColumnName ?? _featureColumnName;
            return Scoring.ScoresWithThetas.Create(Host, this, data, column, batchSize);
        }

        /// <summary>Class probabilities of the one image in <paramref name="pixels"/> ([C,H,W] row-major).</summary>
        internal void PredictOne(float[] pixels, float[] probabilities)
        {
            CheckNotDisposed();
            var onnx = _singleImageEngine.Scorer(); // null: TorchSharp (ScoringEngine)
            if (onnx is not null)
            {
                onnx.Score(pixels, probabilities);
                return;
            }
            // Single images of a small network run on the calling thread alone (SingleImageThreading: a fixed rule,
            // never timing).
            _singleImageThreading.Run(() =>
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var x = HostTensors.FromSpan(pixels, new long[] { 1, Shape.Channels, Shape.Height, Shape.Width }); // [1,C,H,W]
                HostTensors.CopyTo(nn.functional.softmax(_network.call(x), 1), probabilities);                      // [1,K]
            });
        }

        /// <inheritdoc/>
        protected override void SaveCore(ModelSaveContext ctx)
        {
            CheckNotDisposed();
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            StNetworkOptionsFormat.Write(ctx.Writer, Network);
            ctx.Writer.Write(_featureDimensions.Length);
            foreach (int d in _featureDimensions) ctx.Writer.Write(d);
            ctx.Writer.Write(_history.Count);
            foreach (var m in _history) WriteMetrics(ctx.Writer, m);
            var weights = WeightsIntegrity.Serialize(_network);
            WeightsIntegrity.WriteHashes(ctx.Writer, StNetworkOptionsFormat.ArchitectureHash(Network, _featureDimensions), WeightsIntegrity.Hash(weights));
            ctx.SaveNonEmptyString(_featureColumnName);
            ctx.SaveBinaryStream(WeightsEntry, w => w.Write(weights));
        }

        private const int MetricsSize = sizeof(int) + 6 * sizeof(double);

        private static void WriteMetrics(BinaryWriter w, EpochMetrics m)
        {
            w.Write(m.Epoch); w.Write(m.LearningRate); w.Write(m.TrainLoss); w.Write(m.TrainAccuracy);
            w.Write(m.ValidationLoss ?? double.NaN); w.Write(m.ValidationAccuracy ?? double.NaN); w.Write(m.Seconds);
        }

        private static EpochMetrics ReadMetrics(BinaryReader r)
        {
            int epoch = r.ReadInt32();
            double lr = r.ReadDouble(), loss = r.ReadDouble(), acc = r.ReadDouble(), vLoss = r.ReadDouble(), vAcc = r.ReadDouble(), s = r.ReadDouble();
            return new EpochMetrics(epoch, lr, loss, acc, double.IsNaN(vLoss) ? null : vLoss, double.IsNaN(vAcc) ? null : vAcc, s);
        }

        private void CheckNotDisposed()
        {
            if (_network.IsDisposed)
                throw new ObjectDisposedException(nameof(StCnnModelParameters), "This StCnn model's network (TorchNetwork) has been disposed; the model can no longer score or be saved.");
        }
    }
}
