using System;
using Stn.Datasets.Data;
using Stn.Datasets.Mnist;

namespace Stn.Datasets.Tests.Infrastructure
{
    /// <summary>The shipped subset, loaded once per test run.</summary>
    public static class Digits
    {
        private static readonly Lazy<MnistDataset> s_subset =
            new Lazy<MnistDataset>(() => MnistDataset.Load(RepositoryPaths.MnistSubset()));

        /// <summary>The shipped subset (6,000 training, 1,000 test images).</summary>
        public static MnistDataset Subset => s_subset.Value;

        /// <summary>The first <paramref name="count"/> training digits.</summary>
        public static LabeledImageSet Train(int count) => Subset.Train.Take(count);
    }
}
