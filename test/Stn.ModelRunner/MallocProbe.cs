using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Native;

/// <summary>
/// Loads the library's native side as a fresh app would, then allocates, touches and frees four 1 MiB blocks 200 times
/// (the shape of a training step's tensors) and prints the minor page faults that took ("faults N").
/// </summary>
internal static unsafe class MallocProbe
{
    private const int Blocks = 4, BlockBytes = 1 << 20, Rounds = 200, Page = 4096;

    public static int Run(bool keepAdaptive)
    {
        if (keepAdaptive) AppContext.SetSwitch("Stn.MLNet.SetMallocThresholds", false);
        TorchNativeLibrary.EnsureLoaded();
        var blocks = new byte*[Blocks];
        long before = MinorFaults();
        for (int round = 0; round < Rounds; round++)
        {
            for (int b = 0; b < Blocks; b++)
            {
                blocks[b] = (byte*)NativeMemory.Alloc(BlockBytes);
                for (int offset = 0; offset < BlockBytes; offset += Page) blocks[b][offset] = 1;
            }
            for (int b = 0; b < Blocks; b++) NativeMemory.Free(blocks[b]);
        }
        Console.WriteLine($"faults {MinorFaults() - before}");
        return 0;
    }

    // Field 10 of /proc/self/stat (minflt), counted after the command name, which may hold spaces.
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7]);
    }
}
