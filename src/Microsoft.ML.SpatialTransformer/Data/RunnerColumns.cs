using Microsoft.ML.Runtime;

namespace Microsoft.ML.SpatialTransformer.Data
{
    /// <summary>Column lookup shared by the spatial transform runners.</summary>
    internal static class RunnerColumns
    {
        /// <summary>The column <paramref name="name"/>, or ML.NET's schema mismatch naming its role.</summary>
        public static DataViewSchema.Column Find(IExceptionContext ectx, DataViewSchema schema, string name,
            string role)
            => schema.GetColumnOrNull(name) ?? throw ectx.ExceptSchemaMismatch("inputSchema", role, name);
    }
}
