using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;

namespace Microsoft.ML.SpatialTransformer.Persistence
{
    /// <summary>
    /// Upper bounds, from a network's description alone, of what building it allocates: its parameter count and the
    /// largest tensor of one image (shape inference runs one image through each stack). They overestimate (unpadded
    /// convolutions are taken not to shrink, pools round up), so a real model always fits; checked before TorchSharp
    /// builds anything.
    /// </summary>
    internal readonly record struct NetworkSizeBound(double Parameters, double ImageValues)
    {
        public static NetworkSizeBound operator +(NetworkSizeBound a, NetworkSizeBound b)
            => new(a.Parameters + b.Parameters, Math.Max(a.ImageValues, b.ImageValues));

        private static double Half(double side) => Math.Ceiling(side / 2);

        // A feature map side after FixedSizePool (side 0: off).
        private static double Pooled(double mapSide, double side) => side > 0 ? Math.Min(mapSide, side) : mapSide;

        /// <summary>
        /// Fails unless the parameters fit in the weights entry (4 bytes each; a generous factor covers the
        /// overestimate) and the largest tensor of one image is within <see cref="LoadLimits.MaxImageValues"/>.
        /// </summary>
        public void Check(IExceptionContext ectx, string what, long weightsBytes)
        {
            LoadLimits.CheckImageValues(ectx, what, ImageValues);
            double allowed = 8.0 * weightsBytes + (16 << 20);
            if (4 * Parameters > allowed)
                throw ectx.ExceptDecode($"{what} implies up to {Parameters:0} parameters, but its weights entry " +
                    $"holds {weightsBytes} bytes: the model file is corrupted.");
        }

        public static NetworkSizeBound Of(StNetworkOptions o)
        {
            double c = o.InputChannels, h = o.InputHeight, w = o.InputWidth, side = o.FullyConnectedInputSide;
            var input = new NetworkSizeBound(0, c * h * w);
            if (o.Transform == SpatialTransformKind.None)
            {
                var (plain, features) = Classifier(o.Classifier, o.ClassifierWidths, c, h, w, o.BatchNorm, side);
                return input + plain + Head(features, o.Classes);
            }
            if (o.SeriesTransformers > 0)
            {
                var (trunk, features) = Classifier(o.Classifier, o.ClassifierWidths, c, h, w, o.BatchNorm, side);
                // Each series ST sees one stage's input: at most the widest channel count at the input's size. The
                // first has the chosen localisation network, the others an FCN of 32, 32 (SpatialTransformerSeries);
                // both are counted.
                double channels = Math.Max(c, ClassifierFeatures.Widths(o.Classifier, o.ClassifierWidths).Max());
                var st = Transformer(o.Transform, o.TpsGridSize, o.Localisation, o.LocalisationWidths, channels, h,
                    w, h, w, side)
                    + Transformer(o.Transform, o.TpsGridSize, LocalisationNetworkKind.Fcn, new[] { 32, 32 }, channels,
                        h, w, h, w);
                return input + trunk + Times(st, o.SeriesTransformers) + Head(features, o.Classes);
            }
            double stH = o.TransformOutputHeight > 0 ? o.TransformOutputHeight : h,
                stW = o.TransformOutputWidth > 0 ? o.TransformOutputWidth : w;
            var transformer = Transformer(o.Transform, o.TpsGridSize, o.Localisation, o.LocalisationWidths, c, h, w,
                stH, stW, side);
            double featH = o.DownsampleAfterTransform ? Half(stH) : stH,
                featW = o.DownsampleAfterTransform ? Half(stW) : stW;
            var (branch, branchFeatures) = Classifier(o.Classifier, o.ClassifierWidths, c, featH, featW,
                o.BatchNorm, side);
            return input + Times(transformer + branch, o.ParallelTransformers)
                + Head(branchFeatures * o.ParallelTransformers, o.Classes);
        }

        /// <summary>One spatial transformer: its localisation network on [c,h,w] (its last feature map pooled to at
        /// most
        /// <paramref name="side"/>, 0: not pooled) and its grid of outH x outW.</summary>
        public static NetworkSizeBound Transformer(SpatialTransformKind kind, int tpsGridSize,
            LocalisationNetworkKind localisation,
            IReadOnlyList<int> widths, double c, double h, double w, double outH, double outW, double side = 0)
        {
            int p = TransformFamily.ParameterCount(kind, tpsGridSize);
            double points = kind == SpatialTransformKind.ThinPlateSpline ? (double)tpsGridSize * tpsGridSize + 3 : 3;
            // The sampling grid and its base ([outH*outW, points]), and a TPS system of points x points; some of these
            // are saved buffers, so they count as parameters too.
            double gridValues = Math.Max(outH * outW * Math.Max(points, 2) * 2, points * points);
            var grid = new NetworkSizeBound(gridValues, gridValues + c * outH * outW);
            return Localisation(localisation, widths, c, h, w, p, side) + grid;
        }

        private static NetworkSizeBound Localisation(LocalisationNetworkKind kind, IReadOnlyList<int> widths, double c,
            double h, double w, int p,
            double side)
        {
            var ws = LocalisationNetwork.Widths(kind, widths).Select(v => (double)v).ToArray();
            NetworkSizeBound trunk;
            double flat;
            switch (kind)
            {
                case LocalisationNetworkKind.Fcn:
                    (trunk, flat) = Dense(c * h * w, ws);
                    break;
                case LocalisationNetworkKind.Cnn:
                {
                    double h1 = Half(h), w1 = Half(w), h2 = Half(h1), w2 = Half(w1);
                    // pool, conv, pool, conv (padded)
                    trunk = Conv(c, ws[0], 5, h1, w1) + Conv(ws[0], ws[1], 5, h2, w2);
                    flat = ws[1] * Pooled(h2, side) * Pooled(w2, side);
                    trunk += Dense(flat, ws[2]).Size;
                    flat = ws[2];
                    break;
                }
                default:
                {
                    trunk = Conv(c, ws[0], 7, h, w) + Conv(ws[0], ws[1], 5, Half(h), Half(w));
                    flat = ws[1] * Pooled(Half(Half(h)), side) * Pooled(Half(Half(w)), side);
                    trunk += Dense(flat, ws[2]).Size;
                    flat = ws[2];
                    break;
                }
            }
            return trunk + Dense(flat, p).Size;
        }

        private static (NetworkSizeBound Size, double Features) Classifier(ClassifierKind kind,
            IReadOnlyList<int> widths, double c, double h, double w,
            bool batchNorm, double side)
        {
            var ws = ClassifierFeatures.Widths(kind, widths).Select(v => (double)v).ToArray();
            switch (kind)
            {
                case ClassifierKind.Fcn:
                    return Dense(c * h * w, ws);
                case ClassifierKind.Cnn:
                {
                    var size = new NetworkSizeBound(0, 0);
                    double previous = c;
                    for (int i = 0; i < ws.Length; i++)
                    {
                        size += Conv(previous, ws[i], i == 0 ? 9 : 7, h, w)
                            + new NetworkSizeBound(batchNorm ? 4 * ws[i] + 1 : 0, 0);
                        (h, w, previous) = (Half(h), Half(w), ws[i]);
                    }
                    return (size, previous * Pooled(h, side) * Pooled(w, side));
                }
                default:
                {
                    var size = Conv(c, ws[0], 5, h, w) + Conv(ws[0], ws[1], 5, Half(h), Half(w));
                    return (size + Dense(ws[1] * Pooled(Half(Half(h)), side) * Pooled(Half(Half(w)), side), ws[2]).Size,
                        ws[2]);
                }
            }
        }

        private static NetworkSizeBound Head(double features, int classes) => Dense(features, classes).Size;

        private static NetworkSizeBound Times(NetworkSizeBound size, int count)
            => new(size.Parameters * count, size.ImageValues);

        private static NetworkSizeBound Conv(double input, double output, int kernel, double h, double w)
            => new(input * output * kernel * kernel + output, output * h * w);

        private static (NetworkSizeBound Size, double Features) Dense(double input, params double[] widths)
        {
            double parameters = 0, largest = input, previous = input;
            foreach (double width in widths)
            {
                parameters += previous * width + width;
                largest = Math.Max(largest, width);
                previous = width;
            }
            return (new NetworkSizeBound(parameters, largest), previous);
        }
    }
}
