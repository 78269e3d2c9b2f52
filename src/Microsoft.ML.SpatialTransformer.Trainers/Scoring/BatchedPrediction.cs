using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer.Trainers.Scoring
{
    /// <summary>
    /// What <see cref="StCnnPredictionTransformer"/>.Transform returns: the columns of ML.NET's multiclass scorer
    /// (Score and PredictedLabel, with the scorer's own types and annotations), computed lazily
    /// <see cref="BatchScorer.DefaultBatchSize"/> rows per native call instead of one.
    /// </summary>
    internal static class BatchedPrediction
    {
        /// <param name="host">For errors.</param>
        /// <param name="model">The trained model.</param>
        /// <param name="input">The rows to score.</param>
        /// <param name="rowByRow">ML.NET's multiclass scorer applied to <paramref name="input"/>: its schema is the one
        /// returned, and its ONNX form is this view's.</param>
        /// <param name="featureColumnName">The image column.</param>
        /// <param name="scoreColumnName">The scorer's Score column.</param>
        /// <param name="predictedLabelColumnName">The scorer's PredictedLabel column.</param>
        public static IDataView Create(IHost host, StCnnModelParameters model, IDataView input,
            IDataView rowByRow, string featureColumnName, string scoreColumnName, string predictedLabelColumnName)
        {
            var features = input.Schema.GetColumnOrNull(featureColumnName)
                ?? throw host.ExceptSchemaMismatch(nameof(input), "feature", featureColumnName);
            model.Shape.CheckColumn(host, nameof(input), featureColumnName, features.Type);
            host.Check(model.ClassCount < 1 << 24, "A predicted label travels as a float: at most 2^24 classes.");

            // The scorer's two added columns, in its order (ML.NET's bindings place each after a column it hides, else
            // at the end).
            var score = rowByRow.Schema[scoreColumnName];
            var predicted = rowByRow.Schema[predictedLabelColumnName];
            bool scoreFirst = score.Index < predicted.Index;
            var added = (scoreFirst ? new[] { score, predicted } : new[] { predicted, score })
                .Select(c => new DataViewSchema.DetachedColumn(c)).ToArray();
            int classes = model.ClassCount;
            var scorer = new BatchScorer(model.TorchNetwork);
            int scoreOutput = scoreFirst ? 0 : 1, labelOutput = 1 - scoreOutput;
            var map = new BatchedVectorMap(new[] { features.Index }, new[] { scorer.ImageSize },
                scoreFirst ? new[] { classes, 1 } : new[] { 1, classes }, BatchScorer.DefaultBatchSize,
                (inputs, rows, firstRow, outputs) =>
                {
                    scorer.Score(inputs[0], rows, outputs[scoreOutput], null);
                    for (int r = 0; r < rows; r++)
                        outputs[labelOutput][r] = PredictedKey(outputs[scoreOutput].AsSpan(r * classes, classes));
                })
            {
                FixedBatchShape = true,
            };
            var view = new BatchedMapDataView(host, input, added, map, ctx => ((ISaveAsOnnx)rowByRow).SaveAsOnnx(ctx));
            host.Assert(view.Schema.Count == rowByRow.Schema.Count);
            return view;
        }

        // As ML.NET's multiclass scorer: the first index of the largest probability, NaNs ignored, as a 1-based key (0:
        // all NaN).
        private static float PredictedKey(ReadOnlySpan<float> probabilities) => MathUtils.ArgMax(probabilities) + 1;
    }
}
