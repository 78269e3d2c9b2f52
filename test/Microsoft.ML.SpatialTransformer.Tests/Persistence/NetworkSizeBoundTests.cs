using System.Linq;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Persistence;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Persistence
{
    /// <summary>
    /// The size bound checked at load must never reject a real model: it is at least the network's parameter count and
    /// at most the factor the load check allows above it (8: parameters are 4 bytes each, the check allows 8 bytes per
    /// weight byte).
    /// </summary>
    public class NetworkSizeBoundTests
    {
        public static TheoryData<string, StNetworkOptions> Networks => new()
        {
            { "default affine ST-CNN", new StNetworkOptions() },
            { "tutorial", new StNetworkOptions { Localisation = LocalisationNetworkKind.Tutorial,
                Classifier = ClassifierKind.Tutorial } },
            { "TPS FCN, 42x42 to 21x21 downsampled", new StNetworkOptions { InputHeight = 42, InputWidth = 42,
                Transform = SpatialTransformKind.ThinPlateSpline,
                Localisation = LocalisationNetworkKind.Fcn, Classifier = ClassifierKind.Fcn, TransformOutputHeight = 21,
                TransformOutputWidth = 21, DownsampleAfterTransform = true } },
            { "two parallel on 3x32x32", new StNetworkOptions { InputChannels = 3, InputHeight = 32, InputWidth = 32,
                ParallelTransformers = 2 } },
            { "series of two", new StNetworkOptions { SeriesTransformers = 2 } },
            { "plain CNN with batch norm",
                new StNetworkOptions { Transform = SpatialTransformKind.None, BatchNorm = true } },
            { "projective, tutorial localisation, 3x64x48",
                new StNetworkOptions { InputChannels = 3, InputHeight = 64, InputWidth = 48,
                Transform = SpatialTransformKind.Projective, Localisation = LocalisationNetworkKind.Tutorial,
                Classes = 100 } },
        };

        [Theory]
        [MemberData(nameof(Networks))]
        public void TheBoundCoversTheNetworkWithinTheAllowedFactor(string name, StNetworkOptions options)
        {
            using var network = new StNetwork(options);
            double actual = network.state_dict().Values.Sum(t => (double)t.numel());
            var bound = NetworkSizeBound.Of(options);
            Assert.True(bound.Parameters >= actual, $"{name}: bound {bound.Parameters} below the {actual} parameters");
            Assert.True(bound.Parameters <= 8 * actual,
                $"{name}: bound {bound.Parameters} more than 8 times the {actual} parameters");
        }
    }
}
