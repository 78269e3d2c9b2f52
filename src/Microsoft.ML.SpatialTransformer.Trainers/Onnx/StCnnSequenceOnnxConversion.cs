using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SpatialTransformer.Data;
using Microsoft.ML.SpatialTransformer.Modules;
using Microsoft.ML.SpatialTransformer.Onnx;

namespace Microsoft.ML.SpatialTransformer.Trainers.Onnx
{
    /// <summary>
    /// mlContext.Model.ConvertToOnnx of <see cref="StCnnSequenceTransformer"/>: the network's graph
    /// (<see cref="StNetworkOnnxExporter"/>, a softmax per position) at ML.NET's opset 12 writes Score
    /// ([N,5,11], the column's own dimensions) and the class of each position [N,5]; PredictedSequence, the text up to
    /// the first "none", is made from the classes. ONNX at opset 12 has no operator that joins strings, so the text is
    /// looked up: every position after the first "none" is set to none, the classes read as a number in base 11
    /// (digit + 1 at position p times 11^p, none = 0), and an ai.onnx.ml LabelEncoder maps each of the 111,111
    /// possible numbers (every sequence of 0 to 5 digits) to its text.
    /// </summary>
    internal static class StCnnSequenceOnnxConversion
    {
        private const int Positions = DigitSequenceLabels.MaxPositions;
        private const int Base = DigitSequenceLabels.ClassesPerPosition;

        /// <param name="ectx">For errors.</param>
        /// <param name="ctx">ML.NET's model in progress.</param>
        /// <param name="network">The trained network.</param>
        /// <param name="shape">The image layout the network takes.</param>
        /// <param name="featureColumn">The image column read.</param>
        /// <param name="predictedSequenceColumn">The text column written.</param>
        /// <param name="scoreColumn">The probabilities column written.</param>
        /// <param name="loaderSignature">The model's name in opset errors.</param>
        public static void Write(IExceptionContext ectx, OnnxContext ctx, StNetwork network, ImageShape shape,
            string featureColumn, string predictedSequenceColumn, string scoreColumn, string loaderSignature)
        {
            ctx.CheckOpSetVersion((int)StNetworkOnnxExporter.MinimumOpset, loaderSignature);
            if (!ctx.ContainsColumn(featureColumn))
                throw ectx.Except($"ONNX export: the input column '{featureColumn}' is not produced by an "
                    + "ONNX-exportable step (ML.NET images are not; use a float vector column).");
            var graph = StNetworkOnnxExporter.ToModel(network, StNetworkOnnxExporter.MinimumOpset, Positions);
            string image = OnnxContextWriter.Reshape(ctx, ctx.GetVariableName(featureColumn),
                new long[] { -1, shape.Channels, shape.Height, shape.Width }, "stn_image");
            var scoreType = new VectorDataViewType(NumberDataViewType.Single, Positions, Base);
            string classes = ctx.AddIntermediateVariable(null, "stn_position_classes", skip: true); // int64 [N,5]
            OnnxContextWriter.Write(graph, ctx,
                new Dictionary<string, string> { ["image"] = image },
                new Dictionary<string, string>
                {
                    ["probabilities"] = ctx.AddIntermediateVariable(scoreType, scoreColumn),
                    ["predicted_label"] = classes,
                });
            WriteText(ctx, classes, ctx.AddIntermediateVariable(TextDataViewType.Instance, predictedSequenceColumn));
        }

        // classes int64 [N,5] -> text [N,1]: the digits up to the first none.
        private static void WriteText(OnnxContext ctx, string classes, string text)
        {
            string output = null;
            OnnxNode Node(string op, string hint, params string[] inputs)
            {
                output = ctx.AddIntermediateVariable(null, hint, skip: true);
                return ctx.CreateNode(op, inputs, new[] { output }, ctx.GetNodeName(op), "");
            }
            Node("Equal", "stn_is_none", classes, ctx.AddInitializer((long)DigitSequenceLabels.None, "stn_none"));
            Node("Cast", "stn_is_none_number", output).AddAttribute("to", typeof(long));         // int64 [N,5]
            // Nones at or before each position: 0 while the sequence lasts.
            Node("CumSum", "stn_nones_so_far", output, ctx.AddInitializer(1L, "stn_position_axis"));
            Node("Less", "stn_lasting", output, ctx.AddInitializer(1L, "stn_one_none"));        // bool [N,5]
            Node("Cast", "stn_lasting_number", output).AddAttribute("to", typeof(long));
            string lasting = output;
            Node("Add", "stn_digit_plus_one", classes, ctx.AddInitializer(1L, "stn_plus_one"));
            Node("Mul", "stn_kept_digits", output, lasting);                                      // int64 [N,5]
            var powers = new long[Positions];
            for (int p = 0; p < Positions; p++) powers[p] = p == 0 ? 1 : powers[p - 1] * Base;
            Node("Mul", "stn_weighted_digits", output,
                ctx.AddInitializer(powers, new long[] { 1, Positions }, "stn_position_powers"));
            var sum = Node("ReduceSum", "stn_sequence_number", output);                            // int64 [N,1]
            sum.AddAttribute("axes", new long[] { 1 });
            sum.AddAttribute("keepdims", 1);
            var (keys, values) = SequenceTable();
            var encoder = ctx.CreateNode("LabelEncoder", output, text, ctx.GetNodeName("LabelEncoder"), "ai.onnx.ml");
            encoder.AddAttribute("keys_int64s", keys);
            encoder.AddAttribute("values_strings", values);
            encoder.AddAttribute("default_string", "");
        }

        // Every sequence of 0 to 5 digits and its number in base 11 (digit + 1 at position p times 11^p).
        private static (long[] Keys, string[] Values) SequenceTable()
        {
            var keys = new List<long>();
            var values = new List<string>();
            void Add(string text, long number, long power)
            {
                keys.Add(number);
                values.Add(text);
                if (text.Length == Positions) return;
                for (int digit = 0; digit < 10; digit++)
                    Add(text + (char)('0' + digit), number + (digit + 1) * power, power * Base);
            }
            Add("", 0, 1);
            return (keys.ToArray(), values.ToArray());
        }
    }
}
