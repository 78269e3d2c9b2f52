// MSBuild task (compiled by RoslynCodeTaskFactory): marks chosen symbol-version requirements of an ELF64
// shared library WEAK, but only those the host's libstdc++ does not define. See TorchSharpNativeFix.targets.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenElfVersionNeeds : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; }
    [Required] public string Versions { get; set; }

    public override bool Execute()
    {
        var wanted = Versions.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Trim()).ToList();
        string libstdcxx = FindHostLibStdCxx();
        if (libstdcxx == null)
        {
            Log.LogMessage(MessageImportance.Low, "No host libstdc++.so.6 found; TorchSharp native fix-up skipped.");
            return true;
        }
        byte[] host = File.ReadAllBytes(libstdcxx);
        var missing = wanted.Where(v => IndexOf(host, Encoding.ASCII.GetBytes(v + "\0")) < 0).ToList();
        if (missing.Count == 0)
        {
            Log.LogMessage(MessageImportance.Low,
                $"{libstdcxx} defines {string.Join(", ", wanted)}; no fix-up needed.");
            return true;
        }
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            try
            {
                int changed = Weaken(path, missing);
                Log.LogMessage(MessageImportance.Normal,
                    $"{path}: {changed} version requirement(s) among {string.Join(", ", missing)} marked weak " +
                    "(host libstdc++ lacks them).");
            }
            catch (Exception e)
            {
                Log.LogError($"Could not patch {path} for this host's libstdc++ " +
                    $"({string.Join(", ", missing)} missing): {e.Message}");
                return false;
            }
        }
        return true;
    }

    private static string FindHostLibStdCxx()
    {
        var dirs = new List<string>();
        string ld = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        if (!string.IsNullOrEmpty(ld)) dirs.AddRange(ld.Split(':'));
        dirs.AddRange(new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64", "/lib64", "/usr/lib", "/lib" });
        return dirs.Where(d => d.Length > 0).Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
    }

    // Sets VER_FLG_WEAK on each Vernaux entry whose name is in `names`; returns how many entries it changed.
    // Writes to a temporary file and moves it over the original, so a failure never leaves a half-written library.
    private static int Weaken(string path, IReadOnlyCollection<string> names)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("only little-endian ELF64 is supported");

        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)shoff + link * shentsize) + 0x18));

            int verneed = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, verneed + 2);
                int aux = verneed + (int)BitConverter.ToUInt32(elf, verneed + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadCString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                    if (names.Contains(name) && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                        changed++;
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                verneed += (int)BitConverter.ToUInt32(elf, verneed + 12);
            }
        }
        if (changed > 0)
        {
            string temp = path + ".stn-tmp";
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null);
        }
        return changed;
    }

    private static string ReadCString(byte[] bytes, int start)
    {
        int end = start;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
