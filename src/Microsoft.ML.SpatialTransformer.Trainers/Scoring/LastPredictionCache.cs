using System;
using System.Linq;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;

namespace Microsoft.ML.SpatialTransformer.Trainers.Scoring
{
    /// <summary>
    /// The value mapper behind <see cref="StCnnModelParameters"/>' IValueMapper. ML.NET's scorer makes one mapper for
    /// Score and another for PredictedLabel, and both run on every row. The last input and its scores are kept per
    /// thread (one PredictionEngine or cursor uses one thread at a time), so the second ask costs a comparison, not a
    /// second forward pass.
    /// </summary>
    internal sealed class LastPredictionCache
    {
        private readonly IExceptionContext _ectx;
        private readonly ImageShape _shape;
        private readonly Action<float[], float[]> _predict;
        private readonly ThreadLocal<LastPrediction> _last;

        /// <param name="ectx">For errors.</param>
        /// <param name="shape">The image layout the model takes.</param>
        /// <param name="classes">The number of scores per image.</param>
        /// <param name="predict">Scores one image (pixels -> probabilities).</param>
        public LastPredictionCache(IExceptionContext ectx, ImageShape shape, int classes,
            Action<float[], float[]> predict)
        {
            _ectx = ectx;
            _shape = shape;
            _predict = predict;
            _last = new ThreadLocal<LastPrediction>(() => new LastPrediction(shape.Size, classes));
        }

        /// <summary>One thread's last scored input.</summary>
        private sealed class LastPrediction
        {
            public LastPrediction(int pixels, int classes) { Pixels = new float[pixels]; Scores = new float[classes]; }
            public float[] Pixels { get; }
            public float[] Scores { get; }
            public bool Valid { get; set; }
        }

        /// <summary>The scores of <paramref name="src"/>, from the cache when it is this thread's last input.</summary>
        public void Map(in VBuffer<float> src, ref VBuffer<float> dst)
        {
            var last = _last.Value;
            if (src.Length != last.Pixels.Length)
                throw _ectx.Except(
                    $"The features hold {src.Length} values; the model expects {last.Pixels.Length} ({_shape}).");
            if (!last.Valid || !SameValues(src, last.Pixels))
            {
                last.Valid = false;
                src.CopyTo(last.Pixels);
                _predict(last.Pixels, last.Scores);
                last.Valid = true;
            }
            var editor = VBufferEditor.Create(ref dst, last.Scores.Length);
            last.Scores.AsSpan().CopyTo(editor.Values);
            dst = editor.Commit();
        }

        private static bool SameValues(in VBuffer<float> src, float[] dense)
        {
            if (src.IsDense) return src.GetValues().SequenceEqual(dense);
            for (int i = 0; i < dense.Length; i++)
                if (src.GetItemOrDefault(i) != dense[i]) return false;
            return true;
        }
    }
}
