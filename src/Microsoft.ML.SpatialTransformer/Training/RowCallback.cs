using System;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Receives one row's pixels. A delegate of its own because on net8.0 Action&lt;ReadOnlySpan&lt;float&gt;&gt; does
    /// not compile (a span cannot be a generic argument before C# 13's "allows ref struct" on Action); lambdas convert
    /// alike.
    /// </summary>
    internal delegate void RowCallback(ReadOnlySpan<float> pixels);
}
