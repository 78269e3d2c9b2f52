using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer.Trainers.Scoring
{
    /// <summary>
    /// The view behind <see cref="StCnnModelParameters.ScoreInBatches"/>: the source's columns, "Score" (the class
    /// probabilities) and the theta each spatial transformer predicted ("Theta", "Theta1", ...), computed lazily a
    /// padded batch at a time.
    /// </summary>
    internal static class ScoresWithThetas
    {
        public static IDataView Create(IHost host, StCnnModelParameters model, IDataView data, string featureColumnName,
            int batchSize)
        {
            host.CheckValue(data, nameof(data));
            host.CheckNonEmpty(featureColumnName, nameof(featureColumnName));
            host.CheckParam(batchSize > 0, nameof(batchSize), $"must be positive; got {batchSize}");
            var features = data.Schema.GetColumnOrNull(featureColumnName)
                ?? throw host.ExceptSchemaMismatch(nameof(data), "feature", featureColumnName);
            model.Shape.CheckColumn(host, nameof(data), featureColumnName, features.Type);

            var network = model.TorchNetwork;
            int transformers = network.TransformerCount;
            // A plain CNN/FCN (Transform None) has no spatial transformer, hence no theta columns.
            var o = model.Network;
            int thetaSize = transformers == 0 ? 0
                : SpatialTransformer.Functional.TransformFamily.ParameterCount(o.Transform, o.TpsGridSize);
            var added = new List<DataViewSchema.DetachedColumn>
            {
                new(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, model.ClassCount)),
            };
            for (int i = 0; i < transformers; i++)
            {
                var type = new VectorDataViewType(NumberDataViewType.Single, thetaSize);
                added.Add(new(i == 0 ? "Theta" : $"Theta{i}", type));
            }
            var outputSizes = new[] { model.ClassCount }.Concat(Enumerable.Repeat(thetaSize, transformers)).ToArray();
            var scorer = new BatchScorer(network);
            var map = new BatchedVectorMap(new[] { features.Index }, new[] { scorer.ImageSize }, outputSizes, batchSize,
                (inputs, rows, firstRow, outputs) => scorer.Score(inputs[0], rows, outputs[0], outputs[1..]))
            {
                FixedBatchShape = true,
            };
            return new BatchedMapDataView(host, data, added.ToArray(), map);
        }
    }
}
