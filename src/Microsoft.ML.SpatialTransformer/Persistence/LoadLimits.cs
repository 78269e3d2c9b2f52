using System;
using System.IO;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SpatialTransformer.Persistence
{
    /// <summary>
    /// Ranges the fields of a saved model must lie in. Every field is checked as it is read, before anything is
    /// allocated, so a corrupt header fails at once naming the field and its value instead of allocating without bound.
    /// </summary>
    internal static class LoadLimits
    {
        public const int MaxSide = 16384;          // image or ST output height/width
        public const int MaxChannels = 4096;
        public const int MaxLayerWidth = 65536;
        public const int MaxTransformers = 64;     // parallel or series STs
        public const int MaxTpsGridSize = 32;      // 1,024 control points
        public const int MaxClasses = 1 << 20;
        public const int MaxBatchSize = 1 << 16;
        /// <summary>
        /// Values in one image's largest tensor (input, activation or sampling grid): 256 MB as floats.
        /// </summary>
        public const double MaxImageValues = 1 << 26;

        public static int ReadInt(IExceptionContext ectx, BinaryReader reader, string field, int min, int max)
        {
            int value = reader.ReadInt32();
            if (value < min || value > max)
                throw ectx.ExceptDecode($"{field} must be between {min} and {max}; got {value}.");
            return value;
        }

        public static TEnum ReadEnum<TEnum>(IExceptionContext ectx, BinaryReader reader, string field)
            where TEnum : struct, Enum
        {
            int value = reader.ReadInt32();
            if (!Enum.IsDefined(typeof(TEnum), value))
                throw ectx.ExceptDecode($"{field} must be a {typeof(TEnum).Name}; got {value}.");
            return (TEnum)Enum.ToObject(typeof(TEnum), value);
        }

        /// <summary>Fails when one image of <paramref name="values"/> values is more than this version loads.</summary>
        public static void CheckImageValues(IExceptionContext ectx, string what, double values)
        {
            if (values > MaxImageValues)
                throw ectx.ExceptDecode($"{what} holds {values:0} values per image; at most " +
                    $"{MaxImageValues:0} are supported.");
        }
    }
}
