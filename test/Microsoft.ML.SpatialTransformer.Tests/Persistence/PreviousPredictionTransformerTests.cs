using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SpatialTransformer.Tests.Trainers;
using Microsoft.ML.SpatialTransformer.Trainers;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>
    /// Models saved while Fit returned ML.NET's MulticlassPredictionTransformer still load and score bit for bit.
    /// Resources/stcnn-multiclass-xfer.zip was saved by that version: MLContext(seed: 5), SyntheticImages.Make(48, 5),
    /// MapValueToKey(Label, Side) -> StCnn (Pixels; FCN localisation 16; CNN classifier 8, 8; 3 epochs of 16) ->
    /// MapKeyToValue(PredictedSide, PredictedLabel); its .scores.txt holds PredictedSide and Score of
    /// SyntheticImages.Make(16, 23).
    /// </summary>
    public class PreviousPredictionTransformerTests
    {
        private static readonly string Resources = Path.Combine(AppContext.BaseDirectory, "Persistence", "Resources");

        [Fact]
        public void APipelineSavedWithMLNetsMulticlassPredictionTransformerLoadsAndScoresBitForBit()
        {
            var ml = new MLContext(1);
            var model = (TransformerChain<ITransformer>)ml.Model.Load(Path.Combine(Resources,
                "stcnn-multiclass-xfer.zip"), out _);
            var old = Assert.IsType<MulticlassPredictionTransformer<StCnnModelParameters>>(model.ElementAt(1));
            Assert.Equal("Features", old.Model.FeatureColumnName); // not recorded then: the documented fallback
            // Row by row through the single-image engine: bit for bit on the engine the fixture was made with (Auto may
            // pick ONNX Runtime, within the engines' documented bound).
            old.Model.ScoringEngine = ScoringEngine.TorchSharp;

            var output = model.Transform(ml.Data.LoadFromEnumerable(SyntheticImages.Make(16, 23)));
            var expected = File.ReadAllLines(Path.Combine(Resources, "stcnn-multiclass-xfer.scores.txt"))
                .Select(l => l.Split(' ')).ToArray();
            Assert.Equal(expected.Select(e => e[0]), output.GetColumn<string>("PredictedSide"));
            var scores = output.GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                var bits = expected[i].Skip(1)
                    .Select(v => BitConverter.SingleToInt32Bits(float.Parse(v, CultureInfo.InvariantCulture)));
                Assert.Equal(bits, scores[i].Select(BitConverter.SingleToInt32Bits));
            }
        }
    }
}
