using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers.Onnx;
using Microsoft.ML.SpatialTransformer.Trainers.Persistence;
using Microsoft.ML.SpatialTransformer.Trainers.Scoring;
using Microsoft.ML.Trainers;

[assembly: LoadableClass(typeof(StCnnModelParameters), null, typeof(SignatureLoadModel),
    "ST-CNN multiclass model parameters", StCnnModelParameters.LoaderSignature)]

namespace Microsoft.ML.SpatialTransformer.Trainers
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

        private readonly StNetwork _network;
        private readonly int[] _featureDimensions;
        private readonly string _featureColumnName;
        private readonly List<EpochMetrics> _history;
        private readonly NativeMemoryPressure _memoryPressure;
        private readonly SingleImageScorer _singleImage;
        private readonly LastPredictionCache _lastPrediction;

        internal StCnnModelParameters(IHostEnvironment env, StNetwork network, int[] featureDimensions,
            IEnumerable<EpochMetrics> history, string featureColumnName)
            : base(env, LoaderSignature)
        {
            _network = network;
            _network.eval();
            _featureDimensions = featureDimensions;
            _featureColumnName = featureColumnName;
            _history = history.ToList();
            _memoryPressure = NativeMemoryPressure.Of(_network);
            _singleImage = new SingleImageScorer(_network);
            _lastPrediction = new LastPredictionCache(Host, Shape, ClassCount, PredictOne);
        }

        private StCnnModelParameters(IHostEnvironment env, ModelLoadContext ctx) : base(env, LoaderSignature, ctx)
        {
            var saved = StCnnModelFormat.Load(Host, ctx);
            _network = saved.Network;
            _featureDimensions = saved.FeatureDimensions;
            _featureColumnName = saved.FeatureColumnName;
            _history = saved.History;
            _memoryPressure = NativeMemoryPressure.Of(_network);
            _singleImage = new SingleImageScorer(_network);
            _lastPrediction = new LastPredictionCache(Host, Shape, ClassCount, PredictOne);
        }

        // Factory for SignatureLoadModel: private constructor + internal Create, as ML.NET's loader requires.
        internal static StCnnModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(StCnnModelFormat.GetVersionInfo());
            return new StCnnModelParameters(env, ctx);
        }

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
            get => _singleImage.Engine.Requested;
            set
            {
                CheckNotDisposed();
                _singleImage.Engine.Requested = value;
            }
        }

        /// <summary>
        /// The engine single images run on now (TorchSharp or OnnxRuntime), as <see cref="ScoringEngine"/> resolved.
        /// </summary>
        internal ScoringEngine ActiveScoringEngine => _singleImage.Engine.Active;

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
            int inputTransformers = o.Transform == SpatialTransformKind.None ? 0 : o.SeriesTransformers > 0 ? 1
                : o.ParallelTransformers;
            if (index < 0 || index >= inputTransformers)
                throw Host.ExceptParam(nameof(index),
                    $"The model has {inputTransformers} spatial transformer(s) on its input; got index {index}.");
            Host.CheckNonEmpty(inputColumnName, nameof(inputColumnName));
            Host.CheckNonEmpty(outputColumnName, nameof(outputColumnName));
            Host.CheckNonEmpty(thetaColumnName, nameof(thetaColumnName));
            return SpatialTransformExtraction.FromNetwork(Host, _network, index, outputColumnName, inputColumnName,
                thetaColumnName, SpatialTransformEstimator.Defaults.BatchSize);
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

        // mlContext.Model.ConvertToOnnx: PredictedLabel and Score, as ML.NET's own multiclass models write them.
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
        {
            CheckNotDisposed();
            Host.CheckValue(ctx, nameof(ctx));
            Host.Check(outputNames?.Length == 2, "expected the PredictedLabel and Score outputs");
            StCnnOnnxConversion.Write(ctx, _network, Shape, outputNames[0], outputNames[1], featureColumn,
                LoaderSignature);
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

        internal ImageShape Shape => ImageShape.InputOf(Network);

        /// <summary>The feature column's type the model scores: Vector&lt;Single&gt; of C*H*W values.</summary>
        public DataViewType InputType => new VectorDataViewType(NumberDataViewType.Single, _featureDimensions);

        /// <summary>The Score type: Vector&lt;Single&gt; of K class probabilities.</summary>
        public DataViewType OutputType => new VectorDataViewType(NumberDataViewType.Single, ClassCount);

        ValueMapper<TSrc, TDst> IValueMapper.GetMapper<TSrc, TDst>()
        {
            Host.Check(typeof(TSrc) == typeof(VBuffer<float>) && typeof(TDst) == typeof(VBuffer<float>),
                "StCnnModelParameters maps Vector<Single> features to a Vector<Single> score.");
            ValueMapper<VBuffer<float>, VBuffer<float>> map = _lastPrediction.Map;
            return (ValueMapper<TSrc, TDst>)(Delegate)map;
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
            _singleImage.Score(pixels, probabilities);
        }

        /// <inheritdoc/>
        protected override void SaveCore(ModelSaveContext ctx)
        {
            CheckNotDisposed();
            base.SaveCore(ctx);
            StCnnModelFormat.Save(ctx,
                new StCnnModelFormat.Contents(_network, _featureDimensions, _history, _featureColumnName));
        }

        private void CheckNotDisposed()
        {
            if (_network.IsDisposed)
                throw new ObjectDisposedException(nameof(StCnnModelParameters), "This StCnn model's network " +
                    "(TorchNetwork) has been disposed; the model can no longer score or be saved.");
        }
    }
}
