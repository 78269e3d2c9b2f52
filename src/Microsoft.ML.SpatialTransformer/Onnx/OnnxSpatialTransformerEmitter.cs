using System;
using Microsoft.ML.SpatialTransformer.Functional;
using Microsoft.ML.SpatialTransformer.Modules;
using static Microsoft.ML.SpatialTransformer.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.SpatialTransformer.Onnx
{
    /// <summary>
    /// Emits a spatial transformer: localisation network -> grid generator -> GridSample (opset 16, or ONNX Runtime's
    /// com.microsoft GridSample below that, which takes the same attributes). Grids are built
    /// without AffineGrid, as MatMul against the constant base grid (x, y, 1) or the TPS sampling matrix, so any ONNX
    /// runtime with GridSample runs them; conventions as <see cref="TransformFamily"/> (align_corners = 0).
    /// </summary>
    internal sealed class OnnxSpatialTransformerEmitter
    {
        private readonly OnnxGraphBuilder _g;
        private readonly OnnxLayerEmitter _layers;

        public OnnxSpatialTransformerEmitter(OnnxGraphBuilder graph, OnnxLayerEmitter layers)
        {
            _g = graph;
            _layers = layers;
        }

        /// <summary>Returns the warped input [N,C,H',W'] and theta [N,P] values.</summary>
        public (string Output, string Theta) Emit(SpatialTransformerModule st, string input, string path)
        {
            var loc = st.Localisation;
            // A standalone learned transform scales only what its localisation network sees; the sampler reads the
            // input as given.
            string located = st.LocalisationInput is null ? input : _layers.Normalise(st.LocalisationInput, input,
                path + ".localisation_input");
            string features = _layers.Emit(loc.Trunk, located, path + ".localisation.trunk");
            string theta = _layers.Gemm(loc.Head.Linear, features, path + ".localisation.head.linear");   // [N,P]
            var gen = st.Generator;
            // [N,H',W',2]
            string grid = Grid(gen.Kind, theta, gen.OutputHeight, gen.OutputWidth, gen.TpsGridSize, path);
            return (Sample(input, grid, st.Sampler.Mode, st.Sampler.Padding), theta);
        }

        /// <summary>GridSample of <paramref name="input"/> [N,C,H,W] at <paramref name="grid"/> [N,H',W',2].</summary>
        public string Sample(string input, string grid, SamplingMode mode, PaddingMode padding) =>
            _g.NodeInDomain(_g.GridSampleDomain, "GridSample", new[] { input, grid }, String("mode", Mode(mode)),
                String("padding_mode", Padding(padding)), Int("align_corners", 0));

        /// <summary>The sampling grid [N,H',W',2] of theta [N,P] of <paramref name="kind"/>.</summary>
        public string Grid(SpatialTransformKind kind, string theta, long h, long w, int tps, string path)
        {
            string points;
            if (kind == SpatialTransformKind.ThinPlateSpline)
            {
                using var scope = NewDisposeScope();
                // [H'W',K]
                string m = _g.Initializer(path + ".tps_sampling_matrix", ThinPlateSpline.SamplingMatrix(tps, h, w));
                string targets = Reshape(theta, 0, -1, 2); // [N,K,2]
                points = _g.Node("MatMul", new[] { m, targets }); // [N,H'W',2]
            }
            else
            {
                string baseGrid;
                using (var scope = NewDisposeScope())
                    baseGrid = _g.Initializer(path + ".base_grid", NormalizedGrid.Homogeneous(h, w)); // [H'W',3]
                if (kind == SpatialTransformKind.Projective)
                {
                    // [N,3,3]
                    string matrix = Reshape(_g.Node("Concat", new[] { theta, Ones(theta) }, Int("axis", 1)), 0, 3, 3);
                    string homogeneous = _g.Node("MatMul", new[] { baseGrid, Transpose(matrix) }); // [N,H'W',3]
                    // [N,H'W',2]
                    points = _g.Node("Div", new[] { SliceLast(homogeneous, 0, 2), SliceLast(homogeneous, 2, 3) });
                }
                else
                {
                    points = _g.Node("MatMul", new[] { baseGrid, Transpose(AffineMatrix(kind, theta)) }); // [N,H'W',2]
                }
            }
            return Reshape(points, 0, h, w, 2);
        }

        /// <summary>theta [N,P] of an affine-family kind -> A [N,2,3], as Functional.AffineMatrices.</summary>
        private string AffineMatrix(SpatialTransformKind kind, string theta)
        {
            if (kind == SpatialTransformKind.Affine) return Reshape(theta, 0, 2, 3);
            string Column(long i) => this.Column(theta, i);
            string zero = Zeros(theta);
            string one = Ones(theta);
            string[] row0, row1;
            switch (kind)
            {
                case SpatialTransformKind.Attention:
                {
                    string s = Column(0), tx = Column(1), ty = Column(2);
                    row0 = new[] { s, zero, tx };
                    row1 = new[] { zero, s, ty };
                    break;
                }
                case SpatialTransformKind.Similarity:
                {
                    string angle = Column(0), s = Column(1), tx = Column(2), ty = Column(3);
                    string c = _g.Node("Mul", new[] { s, _g.Node("Cos", new[] { angle }) });
                    string n = _g.Node("Mul", new[] { s, _g.Node("Sin", new[] { angle }) });
                    row0 = new[] { c, _g.Node("Neg", new[] { n }), tx };
                    row1 = new[] { n, c, ty };
                    break;
                }
                case SpatialTransformKind.Translation:
                {
                    string tx = Column(0), ty = Column(1);
                    row0 = new[] { one, zero, tx };
                    row1 = new[] { zero, one, ty };
                    break;
                }
                default:
                    throw new NotSupportedException($"{kind} is not an affine-family transform.");
            }
            // [N,6]
            string rows = _g.Node("Concat", new[] { _g.Node("Concat", row0, Int("axis", 1)),
                _g.Node("Concat", row1, Int("axis", 1)) }, Int("axis", 1));
            return Reshape(rows, 0, 2, 3);
        }

        // Column i of theta. [N,1]
        private string Column(string theta, long i) =>
            _g.Node("Slice", new[] { theta, _g.Int64Initializer("start", i), _g.Int64Initializer("end", i + 1),
                _g.Int64Initializer("axis", 1) });

        // [N,1] of zeros / ones, shaped like a column of theta (the batch size is only known at run time).
        private string Zeros(string theta) => _g.Node("Mul", new[] { Column(theta, 0), _g.Scalar("zero", 0f) });

        private string Ones(string theta) => _g.Node("Add", new[] { Zeros(theta), _g.Scalar("one", 1f) });

        private string SliceLast(string value, long start, long end) =>
            _g.Node("Slice", new[] { value, _g.Int64Initializer("start", start), _g.Int64Initializer("end", end),
                _g.Int64Initializer("axis", -1) });

        private string Transpose(string matrix)
            => _g.Node("Transpose", new[] { matrix }, Ints("perm", new long[] { 0, 2, 1 }));

        // ONNX Reshape: 0 copies the input's dimension (the batch), -1 is inferred.
        private string Reshape(string value, params long[] shape)
            => _g.Node("Reshape", new[] { value, _g.Int64Initializer("shape", shape) });

        private static string Mode(SamplingMode mode) => mode switch
        {
            SamplingMode.Bilinear => "bilinear",
            SamplingMode.Nearest => "nearest",
            SamplingMode.Bicubic => "bicubic",
            _ => throw new NotSupportedException($"Sampling mode {mode} has no ONNX GridSample mode."),
        };

        private static string Padding(PaddingMode padding) => padding switch
        {
            PaddingMode.Zeros => "zeros",
            PaddingMode.Border => "border",
            PaddingMode.Reflection => "reflection",
            _ => throw new NotSupportedException($"Padding mode {padding} has no ONNX GridSample padding mode."),
        };
    }
}
