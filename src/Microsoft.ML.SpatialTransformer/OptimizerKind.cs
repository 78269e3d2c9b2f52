namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>The optimizer of a training run (a training setting; a saved model does not record it).</summary>
    public enum OptimizerKind
    {
        /// <summary>Adam (Kingma and Ba), the default: robust without tuning.</summary>
        Adam = 0,
        /// <summary>Stochastic gradient descent with momentum, as the paper.</summary>
        Sgd = 1,
    }
}
