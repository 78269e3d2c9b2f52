using System;

namespace Stn.Datasets.Distortions
{
    /// <summary>
    /// Draws from a seeded <see cref="Random"/>. <c>new Random(seed)</c> uses the same algorithm on every .NET version,
    /// so a seed gives the same data everywhere; one generator is drawn from in a fixed order, never the global torch
    /// RNG.
    /// </summary>
    internal static class RandomExtensions
    {
        /// <summary>Uniform in [min, max).</summary>
        public static double Uniform(this Random random, double min, double max)
            => min + (max - min) * random.NextDouble();

        /// <summary>
        /// Normal with mean 0 and standard deviation <paramref name="sigma"/> (Box-Muller, one draw per call).
        /// </summary>
        public static double Gaussian(this Random random, double sigma)
        {
            double u1 = 1.0 - random.NextDouble(); // (0, 1]: keeps log finite
            double u2 = random.NextDouble();
            return sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        /// <summary>Degrees to radians.</summary>
        public static double Radians(double degrees) => degrees * Math.PI / 180.0;
    }
}
