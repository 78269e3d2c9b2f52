using System;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Microsoft.ML.SpatialTransformer.Native;
using Microsoft.ML.SpatialTransformer.Trainers;

/// <summary>
/// Constructs the library's estimators as an application would and prints "constructed"; with <c>load</c> it then
/// loads the native side through the public entry point, which runs the convolution check, and prints "loaded". Run
/// with ONEDNN_VERBOSE=1, oneDNN reports each convolution it executes, so the output tells whether constructing alone
/// ran any.
/// </summary>
internal static class EstimatorConstruction
{
    public static int Run(bool load)
    {
        var ml = new MLContext(1);
        var estimators = new IEstimator<ITransformer>[]
        {
            ml.Transforms.SpatialTransform("Warped", "Pixels", "Theta", SpatialTransformKind.Affine, 8, 8),
            ml.Transforms.SpatialTransform(new SpatialTransformEstimator.Options
            {
                OutputColumnName = "Canonical", InputColumnName = "Pixels", LabelColumnName = "Label",
                Transform = SpatialTransformKind.Attention,
            }),
            ml.MulticlassClassification.Trainers.StCnn(new StCnnTrainer.Options { FeatureColumnName = "Pixels" }),
        };
        Console.WriteLine($"constructed {estimators.Length}");
        if (!load) return 0;
        TorchNativeLibrary.EnsureLoaded();
        Console.WriteLine("loaded");
        return 0;
    }
}
