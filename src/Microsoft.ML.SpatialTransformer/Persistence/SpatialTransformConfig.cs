using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>
    /// Everything a fitted <see cref="SpatialTransformTransformer"/> needs, as saved in the model. Given-theta mode reads
    /// theta from <see cref="ThetaColumnName"/>; learned mode (<see cref="Learned"/>) regresses it with a localisation
    /// network and writes it to <see cref="ThetaColumnName"/>.
    /// </summary>
    internal sealed record SpatialTransformConfig(
        string OutputColumnName, string InputColumnName, string ThetaColumnName, SpatialTransformKind Kind,
        ImageShape InputShape, int OutputHeight, int OutputWidth, int TpsGridSize,
        SamplingMode Sampling, PaddingMode Padding, int BatchSize)
    {
        /// <summary>Whether theta comes from a trained localisation network (then an output column) instead of an input column.</summary>
        public bool Learned { get; init; }
        public LocalisationNetworkKind Localisation { get; init; } = LocalisationNetworkKind.Cnn;
        public int[] LocalisationWidths { get; init; }

        public int ParameterCount => TransformFamily.ParameterCount(Kind, TpsGridSize);

        public ImageShape OutputShape => new ImageShape(InputShape.Channels, OutputHeight, OutputWidth);

        public VectorDataViewType OutputType =>
            new VectorDataViewType(NumberDataViewType.Single, InputShape.Channels, OutputHeight, OutputWidth);

        public VectorDataViewType ThetaType => new VectorDataViewType(NumberDataViewType.Single, ParameterCount);

        /// <summary>A fresh (identity) spatial transformer module of this configuration, for learned mode.</summary>
        public SpatialTransformerModule CreateModule() => new SpatialTransformerModule(Kind, InputShape.Channels, InputShape.Height,
            InputShape.Width, Localisation, LocalisationWidths, OutputHeight, OutputWidth, TpsGridSize, Sampling, Padding);

        public void CheckThetaColumn(IExceptionContext ectx, DataViewType type)
        {
            if (type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Size != ParameterCount)
                throw ectx.ExceptSchemaMismatch("inputSchema", "theta", ThetaColumnName, $"Vector<Single, {ParameterCount}>", type.ToString());
        }

        public void CheckImageColumn(IExceptionContext ectx, DataViewType type) => InputShape.CheckColumn(ectx, "inputSchema", InputColumnName, type);

        // *** Binary format ***
        // string id: output column, input column, theta column
        // int: kind, channels, height, width, output height, output width, tps grid size, sampling, padding, batch size
        // Added in 0x00010002:
        // byte: learned; if learned: int localisation kind, int width count, int[] widths (the weights are a stream "TSModel")
        public const uint VersionLearned = 0x00010002;

        public void Save(ModelSaveContext ctx)
        {
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveNonEmptyString(ThetaColumnName);
            var w = ctx.Writer;
            foreach (int value in new[] { (int)Kind, InputShape.Channels, InputShape.Height, InputShape.Width, OutputHeight, OutputWidth,
                TpsGridSize, (int)Sampling, (int)Padding, BatchSize })
                w.Write(value);
            w.Write(Learned);
            if (!Learned) return;
            w.Write((int)Localisation);
            w.Write(LocalisationWidths?.Length ?? 0);
            foreach (int v in LocalisationWidths ?? Array.Empty<int>()) w.Write(v);
        }

        public static SpatialTransformConfig Load(IExceptionContext ectx, ModelLoadContext ctx)
        {
            string output = ctx.LoadNonEmptyString();
            string input = ctx.LoadNonEmptyString();
            string theta = ctx.LoadNonEmptyString();
            var r = ctx.Reader;
            var kind = (SpatialTransformKind)r.ReadInt32();
            var shape = new ImageShape(r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
            int outH = r.ReadInt32(), outW = r.ReadInt32(), tps = r.ReadInt32();
            var sampling = (SamplingMode)r.ReadInt32();
            var padding = (PaddingMode)r.ReadInt32();
            int batch = r.ReadInt32();
            ectx.CheckDecode(kind > SpatialTransformKind.None && kind <= SpatialTransformKind.ThinPlateSpline, $"unknown transform kind {(int)kind}");
            ectx.CheckDecode(shape.Channels > 0 && shape.Height > 0 && shape.Width > 0 && outH > 0 && outW > 0, "image sizes must be positive");
            ectx.CheckDecode(tps >= 2 && batch > 0, "bad TPS grid size or batch size");
            ectx.CheckDecode(sampling is >= SamplingMode.Bilinear and <= SamplingMode.Bicubic, $"unknown sampling mode {(int)sampling}");
            ectx.CheckDecode(padding is >= PaddingMode.Zeros and <= PaddingMode.Reflection, $"unknown padding mode {(int)padding}");
            var config = new SpatialTransformConfig(output, input, theta, kind, shape, outH, outW, tps, sampling, padding, batch);
            if (ctx.Header.ModelVerWritten < VersionLearned || !r.ReadBoolean()) return config;
            var localisation = (LocalisationNetworkKind)r.ReadInt32();
            int count = r.ReadInt32();
            ectx.CheckDecode(Enum.IsDefined(localisation) && count is >= 0 and <= 64, "bad localisation network description");
            int[] widths = count == 0 ? null : Enumerable.Range(0, count).Select(_ => r.ReadInt32()).ToArray();
            return config with { Learned = true, Localisation = localisation, LocalisationWidths = widths };
        }
    }
}
