using System;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Xunit;

namespace Microsoft.ML.SpatialTransformer.Tests.Guards
{
    /// <summary>
    /// The project compiles against publicized ML.NET assemblies (build/MLNetInternals.targets) and uses these internal
    /// members at run time. If an ML.NET update removes or changes one, this test names it, before users hit a
    /// MissingMethodException. Every internal member the library uses is listed here.
    /// </summary>
    public class MLNetInternalsGuardTests
    {
        private static readonly Assembly Core = typeof(IHostEnvironment).Assembly;   // Microsoft.ML.Core
        private static readonly Assembly Data = typeof(MLContext).Assembly;          // Microsoft.ML.Data
        // Microsoft.ML.StandardTrainers
        private static readonly Assembly Standard = typeof(Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer)
            .Assembly;

        public static TheoryData<string, string, string, string[]> Members => new()
        {
            // Saving and loading (ModelSaveContext, ModelLoadContext, VersionInfo, LoadableClass signatures).
            { "Core", "Microsoft.ML.ModelSaveContext", "CheckAtModel", new string[0] },
            { "Core", "Microsoft.ML.ModelSaveContext", "SetVersionInfo", new[] { "VersionInfo" } },
            { "Core", "Microsoft.ML.ModelSaveContext", "SaveNonEmptyString", new[] { "String" } },
            { "Core", "Microsoft.ML.ModelSaveContext", "SaveBinaryStream", new[] { "String", "Action`1" } },
            { "Core", "Microsoft.ML.ModelSaveContext", "Writer", null },
            { "Core", "Microsoft.ML.ModelLoadContext", "CheckAtModel", new[] { "VersionInfo" } },
            { "Core", "Microsoft.ML.ModelLoadContext", "LoadNonEmptyString", new string[0] },
            { "Core", "Microsoft.ML.ModelLoadContext", "TryLoadBinaryStream", new[] { "String", "Action`1" } },
            { "Core", "Microsoft.ML.ModelLoadContext", "Reader", null },
            { "Core", "Microsoft.ML.VersionInfo", ".ctor",
                new[] { "String", "UInt32", "UInt32", "UInt32", "String", "String", "String" } },
            { "Core", "Microsoft.ML.LoadableClassAttribute", ".ctor",
                new[] { "Type", "Type", "Type", "String", "String[]" } },
            { "Core", "Microsoft.ML.LoadableClassAttribute", ".ctor",
                new[] { "Type", "Type", "Type", "Type", "String", "String[]" } },
            { "Core", "Microsoft.ML.SignatureLoadModel", "Invoke", new[] { "ModelLoadContext" } },
            // Errors in ML.NET's wording.
            { "Core", "Microsoft.ML.Runtime.Contracts", "ExceptSchemaMismatch",
                new[] { "IExceptionContext", "String", "String", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "ExceptSchemaMismatch",
                new[] { "IExceptionContext", "String", "String", "String", "String", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "CheckDecode",
                new[] { "IExceptionContext", "Boolean", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "CheckUserArg",
                new[] { "IExceptionContext", "Boolean", "String", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "Except", new[] { "IExceptionContext", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "ExceptDecode", new[] { "IExceptionContext", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "ExceptDecode",
                new[] { "IExceptionContext", "Exception", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "ExceptUserArg",
                new[] { "IExceptionContext", "String", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "ExceptParam",
                new[] { "IExceptionContext", "String", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "Check", new[] { "IExceptionContext", "Boolean", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "CheckValue", new[] { "IExceptionContext", "T", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "CheckValue", new[] { "T", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "CheckRef", new[] { "T", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "CheckNonEmpty",
                new[] { "IExceptionContext", "String", "String" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "CheckAlive", new[] { "IHostEnvironment" } },
            { "Core", "Microsoft.ML.Runtime.Contracts", "Assert", new[] { "IExceptionContext", "Boolean" } },
            { "Core", "Microsoft.ML.ModelLoadContext", "Header", null },
            { "Core", "Microsoft.ML.ModelHeader", "ModelVerWritten", null },
            // Environment settings (seed, GPU).
            { "Core", "Microsoft.ML.Runtime.IHostEnvironmentInternal", "Seed", null },
            { "Core", "Microsoft.ML.Runtime.IHostEnvironmentInternal", "GpuDeviceId", null },
            { "Core", "Microsoft.ML.Runtime.IHostEnvironmentInternal", "FallbackToCpu", null },
            // Transformer plumbing.
            { "Core", "Microsoft.ML.SchemaShape+Column", ".ctor",
                new[] { "String", "VectorKind", "DataViewType", "Boolean", "SchemaShape" } },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase", ".ctor", new[] { "IHost" } },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase", "SaveModel", new[] { "ModelSaveContext" } },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase", "MakeRowMapper", new[] { "DataViewSchema" } },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase", "Host", null },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase+MapperBase", ".ctor",
                new[] { "IHost", "DataViewSchema", "RowToRowTransformerBase" } },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase+MapperBase", "GetOutputColumnsCore", new string[0] },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase+MapperBase", "MakeGetter",
                new[] { "DataViewRow", "Int32", "Func`2", "Action&" } },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase+MapperBase", "GetDependenciesCore",
                new[] { "Func`2" } },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase+MapperBase", "SaveModel",
                new[] { "ModelSaveContext" } },
            { "Data", "Microsoft.ML.Data.SignatureLoadRowMapper", "Invoke",
                new[] { "ModelLoadContext", "DataViewSchema" } },
            { "Data", "Microsoft.ML.Data.CatalogUtils", "GetEnvironment", new[] { "IInternalCatalog" } },
            { "Data", "Microsoft.ML.Data.ColumnBindings", ".ctor", new[] { "DataViewSchema", "DetachedColumn[]" } },
            { "Data", "Microsoft.ML.Data.ColumnBindings", "MapColumnIndex", new[] { "Boolean&", "Int32" } },
            { "Data", "Microsoft.ML.Data.ColumnBindings", "Schema", null },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase+MapperBase", "CreateGetters",
                new[] { "DataViewRow", "Func`2", "Action&" } },
            { "Data", "Microsoft.ML.Data.RowToRowTransformerBase+MapperBase", "OutputColumns", null },
            { "Data", "Microsoft.ML.Data.IRowMapper", "GetOutputColumns", new string[0] },
            // Trainer plumbing.
            { "Data", "Microsoft.ML.Trainers.TrainerEstimatorBase`2", ".ctor",
                new[] { "IHost", "Column", "Column", "Column" } },
            { "Data", "Microsoft.ML.Trainers.TrainerEstimatorBase`2", "PredictionKind", null },
            { "Data", "Microsoft.ML.Trainers.TrainerEstimatorBase`2", "GetOutputColumnsCore", new[] { "SchemaShape" } },
            { "Data", "Microsoft.ML.Trainers.TrainerEstimatorBase`2", "TrainModelCore", new[] { "TrainContext" } },
            { "Data", "Microsoft.ML.Trainers.TrainerEstimatorBase`2", "MakeTransformer",
                new[] { "TModel", "DataViewSchema" } },
            { "Data", "Microsoft.ML.Trainers.TrainerEstimatorBase`2", "Host", null },
            { "Core", "Microsoft.ML.TrainContext", "TrainingSet", null },
            { "Core", "Microsoft.ML.Data.RoleMappedData", "Data", null },
            { "Data", "Microsoft.ML.Trainers.TrainerUtils", "MakeR4VecFeature", new[] { "String" } },
            { "Data", "Microsoft.ML.Trainers.TrainerUtils", "MakeU4ScalarColumn", new[] { "String" } },
            // StCnnPredictionTransformer: ML.NET's single-feature prediction transformer base and its multiclass
            // scorer.
            { "Data", "Microsoft.ML.Data.SingleFeaturePredictionTransformerBase`1", ".ctor",
                new[] { "IHost", "TModel", "DataViewSchema", "String" } },
            { "Data", "Microsoft.ML.Data.SingleFeaturePredictionTransformerBase`1", ".ctor",
                new[] { "IHost", "ModelLoadContext" } },
            { "Data", "Microsoft.ML.Data.SingleFeaturePredictionTransformerBase`1", "SaveCore",
                new[] { "ModelSaveContext" } },
            { "Data", "Microsoft.ML.Data.PredictionTransformerBase`1", "Scorer", null },
            { "Data", "Microsoft.ML.Data.PredictionTransformerBase`1", "BindableMapper", null },
            { "Data", "Microsoft.ML.Data.PredictionTransformerBase`1", "TrainSchema", null },
            { "Data", "Microsoft.ML.Data.PredictionTransformerBase`1", "Host", null },
            { "Data", "Microsoft.ML.Data.MulticlassClassificationScorer", ".ctor",
                new[] { "IHostEnvironment", "Arguments", "IDataView", "ISchemaBoundMapper", "RoleMappedSchema" } },
            { "Data", "Microsoft.ML.Data.MulticlassClassificationScorer+Arguments", "ScoreColumnName", null },
            { "Data", "Microsoft.ML.Data.MulticlassClassificationScorer+Arguments", "PredictedLabelColumnName", null },
            { "Data", "Microsoft.ML.Data.RowToRowScorerBase", "ApplyToData",
                new[] { "IHostEnvironment", "IDataView" } },
            { "Core", "Microsoft.ML.Data.ISchemaBindableMapper", "Bind",
                new[] { "IHostEnvironment", "RoleMappedSchema" } },
            { "Data", "Microsoft.ML.Data.EmptyDataView", ".ctor", new[] { "IHostEnvironment", "DataViewSchema" } },
            { "Core", "Microsoft.ML.ModelSaveContext", "SaveStringOrNull", new[] { "String" } },
            { "Core", "Microsoft.ML.ModelLoadContext", "LoadStringOrNull", new string[0] },
            { "Core", "Microsoft.ML.Internal.Utilities.MathUtils", "ArgMax", new[] { "ReadOnlySpan`1" } },
            { "Core", "Microsoft.ML.Data.AnnotationUtils+Const+ScoreValueKind", "Score", null },
            { "Data", "Microsoft.ML.Trainers.ModelParametersBase`1", ".ctor", new[] { "IHostEnvironment", "String" } },
            { "Data", "Microsoft.ML.Trainers.ModelParametersBase`1", ".ctor",
                new[] { "IHostEnvironment", "String", "ModelLoadContext" } },
            { "Data", "Microsoft.ML.Trainers.ModelParametersBase`1", "SaveCore", new[] { "ModelSaveContext" } },
            { "Data", "Microsoft.ML.Trainers.ModelParametersBase`1", "PredictionKind", null },
            { "Data", "Microsoft.ML.Trainers.ModelParametersBase`1", "Host", null },
            { "Core", "Microsoft.ML.Data.IValueMapper", "GetMapper", new string[0] },
            { "Core", "Microsoft.ML.Data.AnnotationUtils", "AnnotationsForMulticlassScoreColumn",
                new[] { "Nullable`1" } },
            { "Core", "Microsoft.ML.Data.AnnotationUtils", "GetTrainerOutputAnnotation", new[] { "Boolean" } },
            // ONNX export through mlContext.Model.ConvertToOnnx (StCnnModelParameters as ISingleCanSaveOnnx).
            { "Data", "Microsoft.ML.Model.OnnxConverter.ICanSaveOnnx", "CanSaveOnnx", new[] { "OnnxContext" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.ISingleCanSaveOnnx", "SaveAsOnnx",
                new[] { "OnnxContext", "String[]", "String" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "CheckOpSetVersion",
                new[] { "Int32", "String" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "GetNodeName", new[] { "String" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "AddIntermediateVariable",
                new[] { "DataViewType", "String", "Boolean" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "AddInitializer",
                new[] { "Int64", "String", "Boolean" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "AddInitializer",
                new[] { "Single", "String", "Boolean" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "ContainsColumn", new[] { "String" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "GetVariableName", new[] { "String" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.ISaveAsOnnx", "SaveAsOnnx", new[] { "OnnxContext" } },
            { "Data", "Microsoft.ML.Data.IDataTransform", "Source", null },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "AddInitializer",
                new[] { "IEnumerable`1", "IEnumerable`1", "String", "Boolean" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "CreateNode",
                new[] { "String", "IEnumerable`1", "IEnumerable`1", "String", "String" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxContext", "CreateNode",
                new[] { "String", "String", "String", "String", "String" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxNode", "AddAttribute", new[] { "String", "Int64" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxNode", "AddAttribute", new[] { "String", "Double" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxNode", "AddAttribute", new[] { "String", "String" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxNode", "AddAttribute",
                new[] { "String", "IEnumerable`1" } },
            { "Data", "Microsoft.ML.Model.OnnxConverter.OnnxNode", "AddAttribute", new[] { "String", "Type" } },
        };

        [Theory]
        [MemberData(nameof(Members))]
        public void InternalMemberStillExists(string assembly, string typeName, string member, string[] parameterTypes)
        {
            var type = (assembly switch { "Core" => Core, "Data" => Data, _ => Standard }).GetType(typeName);
            Assert.True(type is not null, $"ML.NET type {typeName} is gone from Microsoft.ML.{assembly}.");
            const BindingFlags all =
                BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
            if (parameterTypes is null)
            {
                bool found = type.GetField(member, all) is not null || type.GetProperty(member, all) is not null;
                Assert.True(found, $"ML.NET member {typeName}.{member} (field or property) is gone.");
                return;
            }
            var candidates = member == ".ctor"
                ? type.GetConstructors(all).Cast<MethodBase>()
                : type.GetMethods(all).Where(m => m.Name == member);
            bool match = candidates.Any(m => m.GetParameters().Select(p => p.ParameterType.Name)
                .SequenceEqual(parameterTypes));
            Assert.True(match, $"ML.NET member {typeName}.{member}({string.Join(", ", parameterTypes)}) is gone " +
                "or changed its signature.");
        }
    }
}
