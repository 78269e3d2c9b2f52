using Microsoft.ML.SpatialTransformer.Persistence;
using System;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Training.CoLocalisation
{
    /// <summary>
    /// Trains an attention <see cref="SpatialTransformerModule"/> to crop the object a set of images shares (the
    /// paper's co-localisation), with no labels and no boxes, in two or three steps. First <see cref="BoxSearch"/>
    /// chooses each image's box among candidates at the output's resolution by the paper's triplet hinge loss on a
    /// fixed embedding of the crops (<see cref="CropEmbedding"/>); then <see cref="BoxRegression"/> teaches the
    /// localisation network those boxes, so the transform crops them (and boxes for new images); last, where asked,
    /// <see cref="TripletTraining"/> trains the localisation network on the triplet loss itself, through the sampler,
    /// as the paper does. Seeded by the MLContext: weights, shuffling and random crops come from generators of this
    /// fit only.
    /// </summary>
    internal static class CoLocalisationTrainer
    {
        /// <summary>Trains on <paramref name="data"/>'s images and returns the transform (on CPU, in eval
        /// mode).</summary>
        /// <param name="tripletEpochs">Epochs of <see cref="TripletTraining"/> after the regression; 0 for
        /// none.</param>
        public static SpatialTransformerModule Train(IHost host, SpatialTransformConfig config, TrainingSettings s,
            IDataView data, string imageColumn, int tripletEpochs)
        {
            var shape = config.InputShape;
            int seed = TorchDevice.Seed(host);
            host.CheckAlive();
            s.Cancellation.ThrowIfCancellationRequested();
            using var ch = host.Start("Co-localisation");
            var device = TorchDevice.Select(host, ch);
            var statistics = config.InputNormalization == InputNormalization.None ? null
                : new ChannelStatistics(shape.Channels, shape.Height * shape.Width);
            var (rows, skipped) = UnlabeledImages.Read(host, data, imageColumn, shape.Size, s.Storage, s.Cancellation,
                statistics is null ? null : statistics.Add);
            try
            {
                if (skipped > 0)
                    ch.Warning($"Skipped {skipped} row(s) of the training data with NaN or infinite pixels.");
                ch.Info($"Co-localisation: attention spatial transformer on {shape} images, {rows.Count} rows, " +
                        $"seed {seed}.");
                var module = config.CreateModule();
                try
                {
                    using (var generator = new Generator(unchecked((ulong)seed)))
                        ParameterInitialisation.Reset(module, generator);
                    double scale = NativeScale(config);
                    StartCentred(module, scale);
                    if (statistics is not null) module.LocalisationInput.SetStatistics(statistics.Mean, statistics.Std);
                    module.to(device);
                    var search = BoxSearch.Run(module, rows, shape, scale, device, seed, ch, s.Cancellation);
                    BoxRegression.Fit(host, ch, module, s, seed, device, shape, rows, search.Thetas);
                    if (tripletEpochs > 0)
                        TripletTraining.Fit(host, ch, module, s, tripletEpochs, seed, device, shape, rows,
                            search.Floor, scale);
                    module.to(CPU); // scoring runs on CPU inside ML.NET's row-by-row scorers
                    module.eval();
                    return module;
                }
                catch
                {
                    module.Dispose();
                    throw;
                }
            }
            finally
            {
                rows.Dispose();
                GlibcMalloc.ReturnFreeMemory();
            }
        }

        // The box side at the output's resolution (one output pixel per input pixel), s = H'/H: the user sets the
        // output to about the object's size.
        private static double NativeScale(SpatialTransformConfig config) => Math.Min(1.0, Math.Max(
            (double)config.OutputHeight / config.InputShape.Height,
            (double)config.OutputWidth / config.InputShape.Width));

        // The regression starts from a centred box of the searched scale (weights 0, so every image gets it).
        private static void StartCentred(SpatialTransformerModule module, double scale)
        {
            using var noGrad = no_grad();
            module.Localisation.Head.Linear.bias[0].fill_(scale);
        }
    }
}
