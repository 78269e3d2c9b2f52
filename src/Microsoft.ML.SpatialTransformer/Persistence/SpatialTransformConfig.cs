using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;

namespace Microsoft.ML.SpatialTransformer.Persistence
{
    /// <summary>
    /// Everything a fitted <see cref="SpatialTransformTransformer"/> needs, as saved in the model. Given-theta mode
    /// reads theta from <see cref="ThetaColumnName"/>; learned mode (<see cref="Learned"/>) regresses it with a
    /// localisation network and writes it to <see cref="ThetaColumnName"/>.
    /// </summary>
    internal sealed record SpatialTransformConfig(
        string OutputColumnName, string InputColumnName, string ThetaColumnName, SpatialTransformKind Kind,
        ImageShape InputShape, int OutputHeight, int OutputWidth, int TpsGridSize,
        SamplingMode Sampling, PaddingMode Padding, int BatchSize)
    {
        /// <summary>
        /// Whether theta comes from a trained localisation network (then an output column) instead of an input column.
        /// </summary>
        public bool Learned { get; init; }
        public LocalisationNetworkKind Localisation { get; init; } = LocalisationNetworkKind.Cnn;
        public int[] LocalisationWidths { get; init; }
        /// <summary>
        /// Learned mode: how the localisation network's input is scaled (statistics in the weights); None before
        /// 0x00010004.
        /// </summary>
        public InputNormalization InputNormalization { get; init; } = InputNormalization.None;

        public int ParameterCount => TransformFamily.ParameterCount(Kind, TpsGridSize);

        public ImageShape OutputShape => new ImageShape(InputShape.Channels, OutputHeight, OutputWidth);

        public VectorDataViewType OutputType =>
            new VectorDataViewType(NumberDataViewType.Single, InputShape.Channels, OutputHeight, OutputWidth);

        public VectorDataViewType ThetaType => new VectorDataViewType(NumberDataViewType.Single, ParameterCount);

        /// <summary>A fresh (identity) spatial transformer module of this configuration, for learned mode.</summary>
        public SpatialTransformerModule CreateModule()
            => new SpatialTransformerModule(Kind, InputShape.Channels, InputShape.Height, InputShape.Width,
            Localisation, LocalisationWidths, OutputHeight, OutputWidth, TpsGridSize, Sampling, Padding,
            normaliseLocalisationInput: InputNormalization != InputNormalization.None);

        public void CheckThetaColumn(IExceptionContext ectx, DataViewType type)
        {
            if (type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single
                || vector.Size != ParameterCount)
                throw ectx.ExceptSchemaMismatch("inputSchema", "theta", ThetaColumnName,
                    $"Vector<Single, {ParameterCount}>", type.ToString());
        }

        public void CheckImageColumn(IExceptionContext ectx, DataViewType type)
            => InputShape.CheckColumn(ectx, "inputSchema", InputColumnName, type);

        // *** Binary format ***
        // string id: output column, input column, theta column
        // int: kind, channels, height, width, output height, output width, tps grid size, sampling, padding, batch size
        // Added in 0x00010002:
        // byte: learned; if learned: int localisation kind, int width count, int[] widths (the weights are a stream
        // "TSModel")
        public const uint VersionLearned = 0x00010002;
        // Added in 0x00010003, learned mode only: byte[32] SHA-256 of ArchitectureHash's fields, byte[32] SHA-256 of
        // "TSModel"
        public const uint VersionHashed = 0x00010003;
        // Added in 0x00010004, learned mode only, after the widths: int input normalization (the statistics are in
        // "TSModel")
        public const uint VersionNormalized = 0x00010004;

        public void Save(ModelSaveContext ctx)
        {
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveNonEmptyString(ThetaColumnName);
            var w = ctx.Writer;
            foreach (int value in new[] { (int)Kind, InputShape.Channels, InputShape.Height, InputShape.Width,
                OutputHeight, OutputWidth,
                TpsGridSize, (int)Sampling, (int)Padding, BatchSize })
                w.Write(value);
            w.Write(Learned);
            if (!Learned) return;
            w.Write((int)Localisation);
            w.Write(LocalisationWidths?.Length ?? 0);
            foreach (int v in LocalisationWidths ?? Array.Empty<int>()) w.Write(v);
            w.Write((int)InputNormalization);
        }

        /// <summary>SHA-256 of every field, the identity a learned transform's weights are checked against.</summary>
        public byte[] ArchitectureHash() => WeightsIntegrity.ArchitectureHash(w =>
        {
            w.Write(OutputColumnName); w.Write(InputColumnName); w.Write(ThetaColumnName);
            foreach (int value in new[] { (int)Kind, InputShape.Channels, InputShape.Height, InputShape.Width,
                OutputHeight, OutputWidth, TpsGridSize, (int)Sampling, (int)Padding, BatchSize, Learned ? 1 : 0,
                (int)Localisation, LocalisationWidths?.Length ?? 0 })
                w.Write(value);
            foreach (int v in LocalisationWidths ?? Array.Empty<int>()) w.Write(v);
            // Only when there is one, so transforms saved before it existed (all None) keep the hash they recorded.
            if (InputNormalization != InputNormalization.None) w.Write((int)InputNormalization);
        });

        /// <summary>
        /// Reads what <see cref="Save"/> wrote, checking each field's range as it is read (issue 11: nothing unbounded
        /// is allocated).
        /// </summary>
        public static SpatialTransformConfig Load(IExceptionContext ectx, ModelLoadContext ctx)
        {
            string output = ctx.LoadNonEmptyString();
            string input = ctx.LoadNonEmptyString();
            string theta = ctx.LoadNonEmptyString();
            var r = ctx.Reader;
            var kind = (SpatialTransformKind)LoadLimits.ReadInt(ectx, r, "Kind", (int)SpatialTransformKind.None + 1,
                (int)SpatialTransformKind.ThinPlateSpline);
            var shape = new ImageShape(LoadLimits.ReadInt(ectx, r, "ImageChannels", 1, LoadLimits.MaxChannels),
                LoadLimits.ReadInt(ectx, r, "ImageHeight", 1, LoadLimits.MaxSide),
                LoadLimits.ReadInt(ectx, r, "ImageWidth", 1, LoadLimits.MaxSide));
            int outH = LoadLimits.ReadInt(ectx, r, "OutputHeight", 1, LoadLimits.MaxSide);
            int outW = LoadLimits.ReadInt(ectx, r, "OutputWidth", 1, LoadLimits.MaxSide);
            int tps = LoadLimits.ReadInt(ectx, r, "TpsGridSize", 2, LoadLimits.MaxTpsGridSize);
            var sampling = LoadLimits.ReadEnum<SamplingMode>(ectx, r, "Sampling");
            var padding = LoadLimits.ReadEnum<PaddingMode>(ectx, r, "Padding");
            int batch = LoadLimits.ReadInt(ectx, r, "BatchSize", 1, LoadLimits.MaxBatchSize);
            LoadLimits.CheckImageValues(ectx, "The saved input image",
                (double)shape.Channels * shape.Height * shape.Width);
            LoadLimits.CheckImageValues(ectx, "The saved output image", (double)shape.Channels * outH * outW);
            var config = new SpatialTransformConfig(output, input, theta, kind, shape, outH, outW, tps, sampling,
                padding, batch);
            if (ctx.Header.ModelVerWritten < VersionLearned || !r.ReadBoolean()) return config;
            var localisation = LoadLimits.ReadEnum<LocalisationNetworkKind>(ectx, r, "Localisation");
            int[] widths = StNetworkOptionsFormat.ReadInts(ectx, r, "LocalisationWidths");
            try { LocalisationNetwork.Widths(localisation, widths); }
            catch (ArgumentException e) { throw ectx.ExceptDecode("The saved localisation " +
                $"network is invalid: {e.Message}"); }
            var normalization = ctx.Header.ModelVerWritten >= VersionNormalized
                ? LoadLimits.ReadEnum<InputNormalization>(ectx, r, "InputNormalization") : InputNormalization.None;
            return config with { Learned = true, Localisation = localisation, LocalisationWidths = widths,
                InputNormalization = normalization };
        }
    }
}
