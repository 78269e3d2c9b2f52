using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace DistortedMnist
{
    /// <summary>Loss and training accuracy per epoch of every model, from the trainers' history, as one PNG (ScottPlot).</summary>
    public static class TrainingCurves
    {
        public static string Write(IReadOnlyList<ModelResult> results, string path)
        {
            var plot = new Multiplot();
            plot.AddPlots(2);
            var loss = plot.GetPlot(0);
            var accuracy = plot.GetPlot(1);
            foreach (var r in results)
            {
                double[] epochs = r.Parameters.History.Select(h => (double)h.Epoch).ToArray();
                var l = loss.Add.Scatter(epochs, r.Parameters.History.Select(h => h.TrainLoss).ToArray());
                l.LegendText = r.Name;
                var a = accuracy.Add.Scatter(epochs, r.Parameters.History.Select(h => 100 * h.TrainAccuracy).ToArray());
                a.LegendText = r.Name;
            }
            loss.Title("Training loss");
            loss.XLabel("epoch");
            loss.ShowLegend();
            accuracy.Title("Training accuracy %");
            accuracy.XLabel("epoch");
            accuracy.ShowLegend();
            string temp = path + ".tmp.png";
            plot.SavePng(temp, 900, 420);
            File.Move(temp, path, overwrite: true);
            return path;
        }
    }
}
