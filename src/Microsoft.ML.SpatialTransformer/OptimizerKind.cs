namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>The optimizer of a training run. Values are saved: never renumber them.</summary>
    public enum OptimizerKind
    {
        /// <summary>Adam (Kingma and Ba), the default: robust without tuning.</summary>
        Adam = 0,
        /// <summary>Stochastic gradient descent with momentum, as the paper.</summary>
        Sgd = 1,
    }
}
