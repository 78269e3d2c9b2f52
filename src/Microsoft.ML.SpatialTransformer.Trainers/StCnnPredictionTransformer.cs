using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers.Scoring;
using Microsoft.ML.Trainers;

[assembly: LoadableClass(typeof(StCnnPredictionTransformer), typeof(StCnnPredictionTransformer), null,
    typeof(SignatureLoadModel), "ST-CNN prediction transformer", StCnnPredictionTransformer.LoaderSignature)]

namespace Microsoft.ML.SpatialTransformer.Trainers
{
    /// <summary>
    /// What <see cref="StCnnTrainer"/>.Fit returns: adds the columns of ML.NET's multiclass scorer ("Score": the class
    /// probabilities with the label's slot names; "PredictedLabel": the label's key type with its key values), so
    /// Evaluate, MapKeyToValue, PermutationFeatureImportance and PredictionEngine work as with any ML.NET multiclass
    /// model. <see cref="Transform(IDataView)"/> scores lazily, 256 rows per native call (a partial batch padded to
    /// 256, so a row's result does not depend on how many rows shared its call); a PredictionEngine scores one row at a
    /// time.
    /// </summary>
    public sealed class StCnnPredictionTransformer
        : SingleFeaturePredictionTransformerBase<StCnnModelParameters>, ITransformer
    {
        internal const string LoaderSignature = "StCnnPredXfer";

        private readonly string _trainLabelColumn;
        private readonly string _scoreColumn;
        private readonly string _predictedLabelColumn;

        internal StCnnPredictionTransformer(IHostEnvironment env, StCnnModelParameters model,
            DataViewSchema trainSchema, string featureColumn, string labelColumn)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(StCnnPredictionTransformer)), model,
                trainSchema, featureColumn)
        {
            Host.CheckValueOrNull(labelColumn);
            _trainLabelColumn = labelColumn;
            _scoreColumn = AnnotationUtils.Const.ScoreValueKind.Score;
            _predictedLabelColumn = DefaultColumnNames.PredictedLabel;
            SetScorer();
        }

        private StCnnPredictionTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(StCnnPredictionTransformer)), ctx)
        {
            // *** Binary format ***
            // <base>: the model (directory "Model"), the training schema (stream "TrainSchema"),
            //         id of string: feature column
            // id of string: training label column; id of string: score column; id of string: predicted label column
            _trainLabelColumn = ctx.LoadStringOrNull();
            _scoreColumn = ctx.LoadNonEmptyString();
            _predictedLabelColumn = ctx.LoadNonEmptyString();
            SetScorer();
        }

        // Factory for SignatureLoadModel: private constructor + internal Create, as ML.NET's loader requires.
        internal static StCnnPredictionTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new StCnnPredictionTransformer(env, ctx);
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "STCNNPRD",
            verWrittenCur: 0x00010001, // Initial
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(StCnnPredictionTransformer).Assembly.FullName);

        // ML.NET's own multiclass scorer: it gives the output schema, ONNX export and the row-by-row path of
        // PredictionEngine.
        private void SetScorer()
        {
            var schema = new RoleMappedSchema(TrainSchema, _trainLabelColumn, FeatureColumnName);
            var args = new MulticlassClassificationScorer.Arguments
            {
                ScoreColumnName = _scoreColumn, PredictedLabelColumnName = _predictedLabelColumn,
            };
            Scorer = new MulticlassClassificationScorer(Host, args, new EmptyDataView(Host, TrainSchema),
                BindableMapper.Bind(Host, schema), schema);
        }

        /// <summary>
        /// Adds "Score" and "PredictedLabel" to <paramref name="input"/>, lazily: rows are read and scored a batch of
        /// 256 at a time as a cursor moves, so memory stays bounded whatever the row count.
        /// </summary>
        /// <param name="input">Rows with the feature column the model was trained on.</param>
        public new IDataView Transform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            var rowByRow = Scorer.ApplyToData(Host, input); // checks the feature column and gives the scorer's schema
            return BatchedPrediction.Create(Host, Model, input, rowByRow, FeatureColumnName, _scoreColumn,
                _predictedLabelColumn);
        }

        /// <inheritdoc/>
        protected override void SaveCore(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.SetVersionInfo(GetVersionInfo());
            base.SaveCore(ctx);
            ctx.SaveStringOrNull(_trainLabelColumn);
            ctx.SaveNonEmptyString(_scoreColumn);
            ctx.SaveNonEmptyString(_predictedLabelColumn);
        }
    }
}
