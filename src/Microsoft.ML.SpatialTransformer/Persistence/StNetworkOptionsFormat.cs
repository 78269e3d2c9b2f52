using System;
using System.IO;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Modules;
using static Microsoft.ML.SpatialTransformer.Persistence.LoadLimits;

namespace Microsoft.ML.SpatialTransformer.Persistence
{
    /// <summary>
    /// Binary layout of <see cref="StNetworkOptions"/> inside a model. Enum values are written as their explicit ints.
    /// *** Binary format (layout 3; layout 1 ends before the input normalization, layout 2 after it) ***
    /// int: layout (3)
    /// int: input channels, input height, input width, classes
    /// int: transform kind, TPS grid size, localisation kind; int[]: localisation widths (count, then values)
    /// int: classifier kind; int[]: classifier widths
    /// int: parallel transformers, series transformers, ST output height, ST output width
    /// byte: downsample after transform; int: sampling, padding; double: dropout; byte: batch norm
    /// Added in layout 2: int: input normalization (layout 1 reads as None)
    /// Added in layout 3: int: fully connected input side (layouts 1 and 2 read as 0, no pooling)
    /// </summary>
    internal static class StNetworkOptionsFormat
    {
        private const int Layout = 3;
        private const int LayoutWithoutPooling = 2;
        private const int LayoutWithoutNormalization = 1;

        public static void Write(BinaryWriter w, StNetworkOptions o)
        {
            WriteLayout1(w, o, Layout);
            w.Write((int)o.InputNormalization);
            w.Write(o.FullyConnectedInputSide);
        }

        private static void WriteLayout1(BinaryWriter w, StNetworkOptions o, int layout)
        {
            w.Write(layout);
            w.Write(o.InputChannels); w.Write(o.InputHeight); w.Write(o.InputWidth); w.Write(o.Classes);
            w.Write((int)o.Transform); w.Write(o.TpsGridSize); w.Write((int)o.Localisation);
            WriteInts(w, o.LocalisationWidths);
            w.Write((int)o.Classifier); WriteInts(w, o.ClassifierWidths);
            w.Write(o.ParallelTransformers); w.Write(o.SeriesTransformers); w.Write(o.TransformOutputHeight);
            w.Write(o.TransformOutputWidth);
            w.Write(o.DownsampleAfterTransform); w.Write((int)o.Sampling); w.Write((int)o.Padding); w.Write(o.Dropout);
            w.Write(o.BatchNorm);
        }

        /// <summary>
        /// The canonical bytes of <paramref name="o"/>, for its architecture hash: layout 1's fields, then the
        /// normalization only when there is one, then the pooling side only when it is on, so models saved before
        /// either existed keep the hash they recorded.
        /// </summary>
        public static byte[] ArchitectureHash(StNetworkOptions o, int[] featureDimensions)
            => WeightsIntegrity.ArchitectureHash(w =>
        {
            WriteLayout1(w, o, LayoutWithoutNormalization);
            WriteInts(w, featureDimensions);
            if (o.InputNormalization != InputNormalization.None) w.Write((int)o.InputNormalization);
            // -1 marks the field: no normalization kind is negative
            if (o.FullyConnectedInputSide != 0) { w.Write(-1); w.Write(o.FullyConnectedInputSide); }
        });

        /// <summary>
        /// Reads what <see cref="Write"/> wrote, checking every field against its range as it is read (a decode error
        /// naming the field and value), then the options' own validation.
        /// </summary>
        public static StNetworkOptions Read(IExceptionContext ectx, BinaryReader r)
        {
            int layout = r.ReadInt32();
            if (layout < LayoutWithoutNormalization || layout > Layout)
                throw ectx.ExceptDecode($"The network description has layout {layout}; this version of Stn.MLNet " +
                    $"reads layouts {LayoutWithoutNormalization} to {Layout}. Update the package to load this model.");
            var o = new StNetworkOptions
            {
                InputChannels = ReadInt(ectx, r, nameof(StNetworkOptions.InputChannels), 1, MaxChannels),
                InputHeight = ReadInt(ectx, r, nameof(StNetworkOptions.InputHeight), 1, MaxSide),
                InputWidth = ReadInt(ectx, r, nameof(StNetworkOptions.InputWidth), 1, MaxSide),
                Classes = ReadInt(ectx, r, nameof(StNetworkOptions.Classes), 2, MaxClasses),
                Transform = ReadEnum<SpatialTransformKind>(ectx, r, nameof(StNetworkOptions.Transform)),
                // Only a TPS uses the grid size; other kinds keep whatever default was saved.
                TpsGridSize = ReadInt(ectx, r, nameof(StNetworkOptions.TpsGridSize), 0, MaxTpsGridSize),
                Localisation = ReadEnum<LocalisationNetworkKind>(ectx, r, nameof(StNetworkOptions.Localisation)),
                LocalisationWidths = ReadInts(ectx, r, nameof(StNetworkOptions.LocalisationWidths)),
                Classifier = ReadEnum<ClassifierKind>(ectx, r, nameof(StNetworkOptions.Classifier)),
                ClassifierWidths = ReadInts(ectx, r, nameof(StNetworkOptions.ClassifierWidths)),
                ParallelTransformers = ReadInt(ectx, r, nameof(StNetworkOptions.ParallelTransformers), 1,
                    MaxTransformers),
                SeriesTransformers = ReadInt(ectx, r, nameof(StNetworkOptions.SeriesTransformers), 0, MaxTransformers),
                TransformOutputHeight = ReadInt(ectx, r, nameof(StNetworkOptions.TransformOutputHeight), 0, MaxSide),
                TransformOutputWidth = ReadInt(ectx, r, nameof(StNetworkOptions.TransformOutputWidth), 0, MaxSide),
                DownsampleAfterTransform = r.ReadBoolean(),
                Sampling = ReadEnum<SamplingMode>(ectx, r, nameof(StNetworkOptions.Sampling)),
                Padding = ReadEnum<PaddingMode>(ectx, r, nameof(StNetworkOptions.Padding)),
                Dropout = r.ReadDouble(),
                BatchNorm = r.ReadBoolean(),
            };
            if (layout >= LayoutWithoutPooling)
                o = o with { InputNormalization = ReadEnum<InputNormalization>(ectx, r,
                    nameof(StNetworkOptions.InputNormalization)) };
            if (layout >= Layout)
                o = o with { FullyConnectedInputSide = ReadInt(ectx, r,
                    nameof(StNetworkOptions.FullyConnectedInputSide), 0, MaxSide) };
            if (!(o.Dropout >= 0 && o.Dropout < 1)) // NaN too
                throw ectx.ExceptDecode($"{nameof(StNetworkOptions.Dropout)} must be in [0, 1); got {o.Dropout}.");
            try
            {
                o.Validate();
                // The width lists' lengths per architecture, checked without building anything.
                LocalisationNetwork.Widths(o.Localisation, o.LocalisationWidths);
                ClassifierFeatures.Widths(o.Classifier, o.ClassifierWidths);
            }
            catch (ArgumentException e) { throw ectx.ExceptDecode("The saved network " +
                $"description is invalid: {e.Message}"); }
            return o;
        }

        private static void WriteInts(BinaryWriter w, int[] values)
        {
            w.Write(values?.Length ?? 0);
            foreach (int v in values ?? Array.Empty<int>()) w.Write(v);
        }

        /// <summary>A width list: its count is checked before the array is allocated, then each width.</summary>
        public static int[] ReadInts(IExceptionContext ectx, BinaryReader r, string field)
        {
            int n = ReadInt(ectx, r, $"{field} count", 0, 64);
            var values = new int[n];
            for (int i = 0; i < n; i++) values[i] = ReadInt(ectx, r, $"{field}[{i}]", 1, MaxLayerWidth);
            return n == 0 ? null : values;
        }
    }
}
