using System;
using Stn.Datasets.Distortions;
using Xunit;

namespace Stn.Datasets.Tests.Distortions
{
    public class HomographyTests
    {
        [Fact]
        public void MapsEachPointToItsPartner()
        {
            var from = new (double X, double Y)[] { (0, 0), (28, 0), (28, 28), (0, 28) };
            var to = new (double X, double Y)[] { (3.1, -2.2), (30.5, 1.7), (24.2, 27.9), (-1.3, 25.0) };
            Matrix3 h = Homography.FromPoints(from, to);
            for (int i = 0; i < 4; i++)
            {
                var (x, y) = h.Apply(from[i].X, from[i].Y);
                Assert.Equal(to[i].X, x, 1e-9);
                Assert.Equal(to[i].Y, y, 1e-9);
            }
            Assert.Equal(1, h[2, 2]);
        }

        [Fact]
        public void IdenticalPoints_GiveTheIdentity()
        {
            var square = new (double X, double Y)[] { (0, 0), (1, 0), (1, 1), (0, 1) };
            Matrix3 h = Homography.FromPoints(square, square);
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(r == c ? 1 : 0, h[r, c], 1e-12);
        }

        [Fact]
        public void CollinearPoints_AreRejected()
        {
            var line = new (double X, double Y)[] { (0, 0), (1, 1), (2, 2), (0, 1) };
            var e = Assert.Throws<ArgumentException>(() => Homography.FromPoints(line, line));
            Assert.Contains("collinear", e.Message);
        }
    }
}
