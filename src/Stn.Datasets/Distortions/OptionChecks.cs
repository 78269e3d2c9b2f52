using System;

namespace Stn.Datasets.Distortions
{
    /// <summary>Option checks with messages naming the option, the expected range and the actual value.</summary>
    internal static class OptionChecks
    {
        public static void InRange(double value, double min, double max, string name)
        {
            if (!(value >= min && value <= max))
                throw new ArgumentException($"Options.{name} must be in [{min}, {max}]; got {value}.", name);
        }

        public static void Ordered(double min, double max, string minName, string maxName)
        {
            if (!(min <= max))
                throw new ArgumentException($"Options.{minName} must not exceed Options.{maxName}; got {min} > {max}.",
                    minName);
        }
    }
}
