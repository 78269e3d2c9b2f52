using System;
using System.IO;
using Microsoft.ML;

// Usage: Stn.ModelRunner <model.zip> <input.idv> <output.idv>   transforms input with the model
//        Stn.ModelRunner --resave <model.zip> <target.zip>       saves the model to target with SaveAtomically until
// killed Stn.ModelRunner --describe <model.zip>                  prints the type of each transformer of the model
//        Stn.ModelRunner --malloc-faults [adaptive]              prints the page faults of a tensor-like allocation
// pattern Stn.ModelRunner --fit-image-folder <dir> <size> <epochs> <plain|cached> [budget min]   an ImageAnalytics Fit
// (benchmarks) Stn.ModelRunner --write-fixtures <dir>                  writes the persistence tests' saved-model
// fixtures Stn.ModelRunner --construct-estimators [load]           constructs estimators (then loads the native side)
//        Stn.ModelRunner --predict <model.zip> <input.idv> <scores.bin> <Auto|TorchSharp|OnnxRuntime>
//                                                                scores each row through a PredictionEngine with that
// engine
if (args.Length == 3 && args[0] == "--resave")
{
    var resaving = new MLContext();
    var loaded = resaving.Model.Load(args[1], out var schema);
    for (int i = 1; ; i++)
    {
        resaving.Model.SaveAtomically(loaded, schema, args[2]);
        Console.WriteLine($"saved {i}");
    }
}
if (args.Length is 5 or 6 && args[0] == "--fit-image-folder")
    return ImageFolderFit.Run(args[1], int.Parse(args[2]), int.Parse(args[3]), args[4],
        args.Length == 6 ? double.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 0);
if (args.Length is 3 or 4 && args[0] == "--drop-probe")
    return DropProbe.Run(int.Parse(args[1]), Enum.Parse<Microsoft.ML.SpatialTransformer.ScoringEngine>(args[2]),
        fitEachRound: args.Length == 4 && args[3] == "fit");
if (args.Length == 2 && args[0] == "--write-fixtures")
    return FixtureWriter.Run(args[1]);
if (args.Length == 2 && args[0] == "--describe")
{
    // One line per transformer of the loaded model: its type's full name.
    var loaded = new MLContext().Model.Load(args[1], out _);
    foreach (var transformer in loaded is System.Collections.Generic.IEnumerable<ITransformer> chain ? chain
        : new[] { loaded })
        Console.WriteLine(transformer.GetType().FullName);
    return 0;
}
if (args.Length == 5 && args[0] == "--predict")
    return SingleImagePredictions.Run(args[1], args[2], args[3],
        Enum.Parse<Microsoft.ML.SpatialTransformer.ScoringEngine>(args[4]));
if (args.Length >= 1 && args[0] == "--construct-estimators")
    return EstimatorConstruction.Run(load: args.Length > 1 && args[1] == "load");
if (args.Length >= 1 && args[0] == "--malloc-faults")
    return MallocProbe.Run(keepAdaptive: args.Length > 1 && args[1] == "adaptive");
if (args.Length != 3)
{
    Console.Error.WriteLine("Usage: Stn.ModelRunner <model.zip> <input.idv> <output.idv> | " +
        "--resave <model.zip> <target.zip>");
    return 2;
}
var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var input = ml.Data.LoadFromBinary(args[1]);
var output = model.Transform(input);
string temp = args[2] + ".tmp";
using (var stream = File.Create(temp))
    ml.Data.SaveAsBinary(output, stream, keepHidden: false);
File.Move(temp, args[2], overwrite: true);
Console.WriteLine($"Transformed {input.GetRowCount()} rows with {args[0]}.");
return 0;
