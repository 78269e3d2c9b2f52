// MSBuild task (compiled by RoslynCodeTaskFactory): writes copies of assemblies with internal members made public and
// private protected members made protected, for compile-time use only. See MLNetInternals.targets.
using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Mono.Cecil;

public class PublicizeAssemblies : Task
{
    [Required] public ITaskItem[] Assemblies { get; set; }
    [Required] public string OutputDirectory { get; set; }
    [Output] public ITaskItem[] Publicized { get; set; }

    public override bool Execute()
    {
        Directory.CreateDirectory(OutputDirectory);
        Publicized = new ITaskItem[Assemblies.Length];
        for (int i = 0; i < Assemblies.Length; i++)
        {
            string source = Assemblies[i].ItemSpec;
            string target = Path.Combine(OutputDirectory, Path.GetFileName(source));
            if (!File.Exists(target) || File.GetLastWriteTimeUtc(target) < File.GetLastWriteTimeUtc(source))
            {
                var resolver = new DefaultAssemblyResolver();
                resolver.AddSearchDirectory(Path.GetDirectoryName(source));
                using (var assembly = AssemblyDefinition.ReadAssembly(source,
                    new ReaderParameters { AssemblyResolver = resolver }))
                {
                    foreach (var type in assembly.MainModule.GetTypes()) Publicize(type);
                    // Write beside, then move: a failed build never leaves a half-written reference behind.
                    string temp = target + ".tmp";
                    assembly.Write(temp);
                    if (File.Exists(target)) File.Delete(target);
                    File.Move(temp, target);
                }
                Log.LogMessage(MessageImportance.Normal, $"Publicized {source} -> {target}");
            }
            Publicized[i] = new TaskItem(target);
            Assemblies[i].CopyMetadataTo(Publicized[i]);
        }
        return true;
    }

    private static void Publicize(TypeDefinition type)
    {
        if (type.IsNested)
        {
            if (type.IsNestedAssembly || type.IsNestedFamilyOrAssembly) type.IsNestedPublic = true;
            else if (type.IsNestedFamilyAndAssembly) type.IsNestedFamily = true;
        }
        else if (type.IsNotPublic)
        {
            type.IsPublic = true;
        }
        foreach (var method in type.Methods)
        {
            if (method.IsAssembly || method.IsFamilyOrAssembly) method.IsPublic = true;
            else if (method.IsFamilyAndAssembly) method.IsFamily = true;
        }
        foreach (var field in type.Fields)
        {
            if (field.IsAssembly || field.IsFamilyOrAssembly) field.IsPublic = true;
            else if (field.IsFamilyAndAssembly) field.IsFamily = true;
        }
    }
}
