using System.IO;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Functional;

namespace Microsoft.ML.SpatialTransformer
{
    /// <summary>Everything a fitted <see cref="SpatialTransformTransformer"/> needs, as saved in the model.</summary>
    internal sealed record SpatialTransformConfig(
        string OutputColumnName, string InputColumnName, string ThetaColumnName, SpatialTransformKind Kind,
        ImageShape InputShape, int OutputHeight, int OutputWidth, int TpsGridSize,
        SamplingMode Sampling, PaddingMode Padding, int BatchSize)
    {
        public int ParameterCount => TransformFamily.ParameterCount(Kind, TpsGridSize);

        public ImageShape OutputShape => new ImageShape(InputShape.Channels, OutputHeight, OutputWidth);

        public VectorDataViewType OutputType =>
            new VectorDataViewType(NumberDataViewType.Single, InputShape.Channels, OutputHeight, OutputWidth);

        public void CheckThetaColumn(IExceptionContext ectx, DataViewType type)
        {
            if (type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Size != ParameterCount)
                throw ectx.ExceptSchemaMismatch("inputSchema", "theta", ThetaColumnName, $"Vector<Single, {ParameterCount}>", type.ToString());
        }

        public void CheckImageColumn(IExceptionContext ectx, DataViewType type)
        {
            if (type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Size != InputShape.Size)
                throw ectx.ExceptSchemaMismatch("inputSchema", "input", InputColumnName, InputShape.VectorTypeName, type.ToString());
        }

        // *** Binary format (version 0x00010001) ***
        // string id: output column, input column, theta column
        // int: kind, channels, height, width, output height, output width, tps grid size, sampling, padding, batch size
        public void Save(ModelSaveContext ctx)
        {
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveNonEmptyString(ThetaColumnName);
            var w = ctx.Writer;
            w.Write((int)Kind);
            w.Write(InputShape.Channels);
            w.Write(InputShape.Height);
            w.Write(InputShape.Width);
            w.Write(OutputHeight);
            w.Write(OutputWidth);
            w.Write(TpsGridSize);
            w.Write((int)Sampling);
            w.Write((int)Padding);
            w.Write(BatchSize);
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
            return new SpatialTransformConfig(output, input, theta, kind, shape, outH, outW, tps, sampling, padding, batch);
        }
    }
}
