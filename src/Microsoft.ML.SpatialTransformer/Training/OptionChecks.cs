using System;
using System.Globalization;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SpatialTransformer.Training
{
    /// <summary>
    /// Up-front checks of numeric training options, shared by the StCnn trainer and the learned SpatialTransform so
    /// both refuse a bad setting in the same words (ML.NET's user-argument error naming the option and the value).
    /// Every double must be finite: a NaN setting otherwise surfaces much later as a NaN loss blamed on the learning
    /// rate.
    /// </summary>
    internal static class OptionChecks
    {
        public static void Positive(IExceptionContext ectx, double value, string name) =>
            ectx.CheckUserArg(double.IsFinite(value) && value > 0, name,
                $"must be a positive finite number; got {Format(value)}");

        public static void NonNegative(IExceptionContext ectx, double value, string name) =>
            ectx.CheckUserArg(double.IsFinite(value) && value >= 0, name,
                $"must be 0 or a positive finite number; got {Format(value)}");

        /// <summary>
        /// Refuses a value outside [<paramref name="min"/>, <paramref name="max"/>) (or ] when <paramref
        /// name="maxIncluded"/>).
        /// </summary>
        public static void InRange(IExceptionContext ectx, double value, string name, double min, double max,
            bool maxIncluded)
        {
            bool ok = double.IsFinite(value) && value >= min && (maxIncluded ? value <= max : value < max);
            ectx.CheckUserArg(ok, name,
                $"must be in [{Format(min)}, {Format(max)}{(maxIncluded ? "]" : ")")}; got {Format(value)}");
        }

        public static void Positive(IExceptionContext ectx, int value, string name) =>
            ectx.CheckUserArg(value > 0, name, $"must be positive; got {value}");

        public static void NonNegative(IExceptionContext ectx, int value, string name) =>
            ectx.CheckUserArg(value >= 0, name, $"must be 0 or positive; got {value}");

        /// <summary>A time limit: null (none) or longer than zero.</summary>
        public static void Positive(IExceptionContext ectx, TimeSpan? value, string name) =>
            ectx.CheckUserArg(value is null || value.Value > TimeSpan.Zero, name,
                $"must be null (no limit) or longer than zero; got {value}");

        /// <summary>
        /// The training data's storage options: a budget of null or at least 0 bytes, and a folder that exists (or
        /// null).
        /// </summary>
        public static void Storage(IExceptionContext ectx, long? memoryBudgetBytes, string budgetName, string directory,
            string directoryName)
        {
            ectx.CheckUserArg(memoryBudgetBytes is null || memoryBudgetBytes >= 0, budgetName,
                $"must be null (default) or 0 or more bytes; got {memoryBudgetBytes}");
            ectx.CheckUserArg(string.IsNullOrEmpty(directory) || System.IO.Directory.Exists(directory), directoryName,
                $"must be null (the system's temporary folder) or an existing folder; got '{directory}'");
        }

        /// <summary>Invariant, round-trippable, and "Infinity" rather than .NET's "∞".</summary>
        public static string Format(double value) => value switch
        {
            double.PositiveInfinity => "Infinity",
            double.NegativeInfinity => "-Infinity",
            _ => value.ToString("R", CultureInfo.InvariantCulture),
        };
    }
}
