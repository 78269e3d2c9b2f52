using System;
using System.IO;
using Microsoft.ML.SpatialTransformer.Modules;

namespace Microsoft.ML.SpatialTransformer.Persistence
{
    /// <summary>
    /// Binary layout of <see cref="StNetworkOptions"/> inside a model. Enum values are written as their explicit ints.
    /// *** Binary format (layout 1) ***
    /// int: layout (1)
    /// int: input channels, input height, input width, classes
    /// int: transform kind, TPS grid size, localisation kind; int[]: localisation widths (count, then values)
    /// int: classifier kind; int[]: classifier widths
    /// int: parallel transformers, series transformers, ST output height, ST output width
    /// byte: downsample after transform; int: sampling, padding; double: dropout; byte: batch norm
    /// </summary>
    internal static class StNetworkOptionsFormat
    {
        private const int Layout = 1;

        public static void Write(BinaryWriter w, StNetworkOptions o)
        {
            w.Write(Layout);
            w.Write(o.InputChannels); w.Write(o.InputHeight); w.Write(o.InputWidth); w.Write(o.Classes);
            w.Write((int)o.Transform); w.Write(o.TpsGridSize); w.Write((int)o.Localisation); WriteInts(w, o.LocalisationWidths);
            w.Write((int)o.Classifier); WriteInts(w, o.ClassifierWidths);
            w.Write(o.ParallelTransformers); w.Write(o.SeriesTransformers); w.Write(o.TransformOutputHeight); w.Write(o.TransformOutputWidth);
            w.Write(o.DownsampleAfterTransform); w.Write((int)o.Sampling); w.Write((int)o.Padding); w.Write(o.Dropout); w.Write(o.BatchNorm);
        }

        /// <summary>Reads what <see cref="Write"/> wrote; throws InvalidDataException for an unknown layout or invalid settings.</summary>
        public static StNetworkOptions Read(BinaryReader r)
        {
            int layout = r.ReadInt32();
            if (layout != Layout)
                throw new InvalidDataException($"The network description has layout {layout}; this version of Stn.MLNet reads layout {Layout}. Update the package to load this model.");
            var o = new StNetworkOptions
            {
                InputChannels = r.ReadInt32(), InputHeight = r.ReadInt32(), InputWidth = r.ReadInt32(), Classes = r.ReadInt32(),
                Transform = (SpatialTransformKind)r.ReadInt32(), TpsGridSize = r.ReadInt32(),
                Localisation = (LocalisationNetworkKind)r.ReadInt32(), LocalisationWidths = ReadInts(r),
                Classifier = (ClassifierKind)r.ReadInt32(), ClassifierWidths = ReadInts(r),
                ParallelTransformers = r.ReadInt32(), SeriesTransformers = r.ReadInt32(),
                TransformOutputHeight = r.ReadInt32(), TransformOutputWidth = r.ReadInt32(),
                DownsampleAfterTransform = r.ReadBoolean(), Sampling = (SamplingMode)r.ReadInt32(), Padding = (PaddingMode)r.ReadInt32(),
                Dropout = r.ReadDouble(), BatchNorm = r.ReadBoolean(),
            };
            try { o.Validate(); }
            catch (ArgumentException e) { throw new InvalidDataException($"The saved network description is invalid: {e.Message}", e); }
            return o;
        }

        private static void WriteInts(BinaryWriter w, int[] values)
        {
            w.Write(values?.Length ?? 0);
            foreach (int v in values ?? Array.Empty<int>()) w.Write(v);
        }

        private static int[] ReadInts(BinaryReader r)
        {
            int n = r.ReadInt32();
            if (n < 0 || n > 64) throw new InvalidDataException($"A saved width list holds {n} values; expected 0 to 64.");
            var values = new int[n];
            for (int i = 0; i < n; i++) values[i] = r.ReadInt32();
            return n == 0 ? null : values;
        }
    }
}
