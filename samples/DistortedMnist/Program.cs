using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DistortedMnist;
using Microsoft.ML;
using Microsoft.ML.SpatialTransformer;
using Spectre.Console;
using Stn.Datasets;
using Stn.Datasets.Distortions;
using Stn.Datasets.Mnist;

ExperimentOptions options;
try
{
    options = ExperimentOptions.Parse(args);
}
catch (UsageException e)
{
    if (e.Message is not null) AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
    Console.WriteLine(ExperimentOptions.Usage);
    return e.Message is null ? 0 : 2;
}

string dataDirectory = options.DataDirectory ?? RepositoryPaths.MnistSubset();
var mnist = MnistDataset.Load(dataDirectory);
var generator = DistortionGenerator.Create(options.Distortion);
// Sample i distorts source digit i mod count, so K copies give every digit K independent distortions.
var digits = options.TrainCount > 0 ? mnist.Train.Take(Math.Min(options.TrainCount, mnist.Train.Count)) : mnist.Train;
var train = generator.Generate(digits, options.Seed, digits.Count * options.Copies);
var test = generator.Generate(mnist.Test, options.Seed + 1000);
AnsiConsole.MarkupLine($"Distorted MNIST: [bold]{ResultsTable.Abbreviation(options.Distortion)}[/], {train.Count} " +
                       $"training and {test.Count} test digits " +
                       $"of {train.Channels}x{train.Height}x{train.Width} from " +
                       $"[grey]{Markup.Escape(dataDirectory)}[/]; " +
                       $"up to {options.Epochs} epochs or {options.BudgetMinutes} min per model.");

var ml = new MLContext(seed: options.Seed);
var experiment = new Experiment(ml, options);
var results = new List<ModelResult>();
var transforms = options.Baseline ? new[] { SpatialTransformKind.None, options.Transform }
    : new[] { options.Transform };
AnsiConsole.Progress()
    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(),
        new SpinnerColumn())
    .Start(ctx =>
    {
        foreach (var transform in transforms)
        {
            string name = experiment.Name(transform);
            var task = ctx.AddTask(name, maxValue: 1.0);
            var progress = new InlineProgress<TrainingProgress>(p =>
            {
                task.Value = ((p.Epoch - 1) + (double)p.Batch / p.Batches) / p.Epochs;
                task.Description = $"{name}: epoch {p.Epoch}/{p.Epochs}, batch {p.Batch}/{p.Batches}, loss " +
                    $"{p.Loss:F3}, acc {p.Accuracy:P1}";
            });
            var result = experiment.Train(train, test, transform, progress);
            task.Value = 1.0;
            task.Description = $"{name}: {result.ErrorPercent:F2}% test error";
            results.Add(result);
        }
    });
AnsiConsole.Write(ResultsTable.ToConsole(options.Distortion, results));

Directory.CreateDirectory(options.OutputDirectory);
var st = results.Last();
string modelPath = Path.Combine(options.OutputDirectory, "stcnn.zip");
ml.Model.SaveAtomically(st.Model, train.ToDataView(ml).Schema, modelPath);
// The library's visual explanations: input | ST output | sampling grid per digit, and the training curves.
var transformer = st.Parameters.GetSpatialTransformer(0, "Image", "Canonical", "Theta");
// Scored test rows give each picture its caption (true digit, prediction and its probability, theta in words).
var scoredTest = st.Model.Transform(test.ToDataView(ml));
var pictures = transformer.SaveExplanations(scoredTest, Path.Combine(options.OutputDirectory, "gallery"),
    new ExplanationOptions { MaxRows = 10, Rows = ExplanationRows.PerClass, LabelColumnName = "LabelKey" });
var mistakes = transformer.SaveExplanations(scoredTest, Path.Combine(options.OutputDirectory, "gallery-misclassified"),
    new ExplanationOptions { MaxRows = 10, Rows = ExplanationRows.Misclassified, LabelColumnName = "LabelKey" });
TrainingCurves.Save(results.Select(r => new KeyValuePair<string, IReadOnlyList<EpochMetrics>>(r.Name,
    r.Parameters.History)),
    Path.Combine(options.OutputDirectory, "training-curves.png"));
string command = "dotnet run --project samples/DistortedMnist -c Release" +
    (args.Length > 0 ? " -- " + string.Join(' ', args) : "");
File.WriteAllText(Path.Combine(options.OutputDirectory, "results.md"),
    ResultsTable.ToMarkdown(options.Distortion, results, command, train.Count, test.Count));
AnsiConsole.MarkupLine($"Saved the {Markup.Escape(st.Name)} model to [bold]{Markup.Escape(modelPath)}[/], " +
                       $"{pictures.Count} gallery PNGs (input | ST output | sampling grid; one per digit) and " +
                       $"{mistakes.Count} of misclassified digits, " +
                       "each folder with an index.md of captions, training-curves.png and results.md to " +
                       $"[bold]{Markup.Escape(options.OutputDirectory)}[/].");
return 0;

/// <summary>
/// An IProgress that runs its handler on the reporting thread (Progress&lt;T&gt; would post it elsewhere, late).
/// </summary>
internal sealed class InlineProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;
    public InlineProgress(Action<T> handler) => _handler = handler;
    public void Report(T value) => _handler(value);
}
