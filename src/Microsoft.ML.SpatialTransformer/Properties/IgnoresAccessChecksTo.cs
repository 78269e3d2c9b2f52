// This assembly compiles against publicized ML.NET assemblies (build/MLNetInternals.targets). At run time the real
// assemblies load, and CoreCLR honours this attribute by skipping access checks from this assembly into them.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.StandardTrainers")]

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Read by CoreCLR (not declared by the BCL): lets this assembly use internals of the named assembly.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        public string AssemblyName { get; }
    }
}
