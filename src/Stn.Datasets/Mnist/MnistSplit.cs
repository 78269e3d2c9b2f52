namespace Stn.Datasets.Mnist
{
    /// <summary>The two MNIST splits.</summary>
    public enum MnistSplit
    {
        /// <summary>The 60,000 training images (train-*).</summary>
        Train = 0,
        /// <summary>The 10,000 test images (t10k-*).</summary>
        Test = 1,
    }
}
