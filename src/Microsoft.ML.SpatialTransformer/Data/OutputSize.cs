using System;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>
    /// The largest warped image a row can hold: its C x H' x W' values go into one Vector&lt;Single&gt; (a .NET array,
    /// at most Array.MaxLength values), so a larger output is refused when it is asked for, naming the options, not met
    /// later as an int overflow in the batch arithmetic.
    /// </summary>
    internal static class OutputSize
    {
        public static long MaxValues => Array.MaxLength;

        /// <summary>
        /// Throws ML.NET's user-argument error for OutputHeight unless channels x height x width fits one row.
        /// </summary>
        public static void Check(IExceptionContext ectx, int channels, int height, int width)
        {
            long values = (long)channels * height * width;
            if (values <= MaxValues) return;
            string product = channels > 1 ? $"{channels} channels x {height} x {width}" : $"{height} x {width}";
            throw ectx.ExceptUserArg("OutputHeight",
                $"OutputHeight x OutputWidth x channels must be at most {MaxValues} values per row (one .NET " +
                $"array); got {product} = {values}");
        }
    }
}
