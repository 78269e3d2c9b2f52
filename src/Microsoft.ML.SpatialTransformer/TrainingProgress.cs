namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Where a training run is, reported after every batch to the IProgress given in the options (a console progress
    /// bar, a UI): 1-based epoch and batch, and the running mean loss and accuracy of the epoch so far.
    /// </summary>
    public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy);
}
