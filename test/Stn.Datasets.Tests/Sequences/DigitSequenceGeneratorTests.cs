using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Stn.Datasets.Sequences;
using Stn.Datasets.Tests.Infrastructure;
using Xunit;

namespace Stn.Datasets.Tests.Sequences
{
    /// <summary>The multi-digit sequence generator: seeded rows, labels of 1-5 digits, true boxes, the lazy
    /// view.</summary>
    public class DigitSequenceGeneratorTests
    {
        [Theory]
        [InlineData(64)]
        [InlineData(128)]
        public void SameSeed_SameRows_OtherSeed_OtherRows(int size)
        {
            var options = DigitSequenceOptions.ForCanvas(size);
            var a = new DigitSequenceGenerator(Digits.Train(500), options, seed: 7);
            var b = new DigitSequenceGenerator(Digits.Train(500), options, seed: 7);
            var c = new DigitSequenceGenerator(Digits.Train(500), options, seed: 8);
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal(a.Generate(i).Pixels, b.Generate(i).Pixels);
                Assert.Equal(a.Generate(i).Label, b.Generate(i).Label);
            }
            Assert.NotEqual(Enumerable.Range(0, 20).Select(i => a.Generate(i).Label),
                Enumerable.Range(0, 20).Select(i => c.Generate(i).Label));
        }

        [Theory]
        [InlineData(64)]
        [InlineData(128)]
        public void Labels_AreOneToFiveDigits_AndEveryLengthOccurs(int size)
        {
            var generator = new DigitSequenceGenerator(Digits.Train(500),
                DigitSequenceOptions.ForCanvas(size), seed: 1);
            var labels = Enumerable.Range(0, 300).Select(i => generator.Generate(i).Label).ToArray();
            Assert.All(labels, l => Assert.Matches("^[0-9]{1,5}$", l));
            Assert.Equal(new[] { 1, 2, 3, 4, 5 }, labels.Select(l => l.Length).Distinct().OrderBy(n => n));
        }

        [Theory]
        [InlineData(64)]
        [InlineData(128)]
        public void Boxes_HoldEveryInkedPixel_AndAreTight(int size)
        {
            var generator = new DigitSequenceGenerator(Digits.Train(500),
                DigitSequenceOptions.ForCanvas(size), seed: 3);
            for (int i = 0; i < 50; i++)
            {
                var row = generator.Generate(i);
                Assert.Equal(size * size, row.Pixels.Length);
                Assert.Equal(row.Label.Length, row.Boxes.Count);
                bool Inside(int x, int y) => row.Boxes.Any(b => x >= b.X && x < b.X + b.Width && y >= b.Y && y < b.Y
                    + b.Height);
                for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    if (row.Pixels[y * size + x] > 0)
                        Assert.True(Inside(x, y), $"row {i}: ink at ({x},{y}) outside every box");
                foreach (var b in row.Boxes)
                {
                    Assert.True(b.Width > 0 && b.Height > 0 && b.X >= 0 && b.Y >= 0 && b.X + b.Width <= size
                        && b.Y + b.Height <= size);
                    // Tight: the box's first and last columns hold ink.
                    Assert.Contains(Enumerable.Range(b.Y, b.Height), y => row.Pixels[y * size + b.X] > 0);
                    Assert.Contains(Enumerable.Range(b.Y, b.Height), y => row.Pixels[y * size + b.X + b.Width - 1] > 0);
                }
            }
        }

        [Fact]
        public void DataView_IsTheGeneratedRows_WithKnownSizeColumns()
        {
            var generator = new DigitSequenceGenerator(Digits.Train(200), DigitSequenceOptions.ForCanvas(64), seed: 5);
            var mlContext = new MLContext(1);
            var view = generator.ToDataView(mlContext, 12);
            var pixels = (VectorDataViewType)view.Schema["Pixels"].Type;
            Assert.Equal(new[] { 1, 64, 64 }, pixels.Dimensions.ToArray());
            Assert.Equal(TextDataViewType.Instance, view.Schema["Label"].Type);
            Assert.Equal(20, ((VectorDataViewType)view.Schema["Boxes"].Type).Size);
            var rows = mlContext.Data.CreateEnumerable<DigitSequenceRow>(view, reuseRowObject: false).ToArray();
            Assert.Equal(12, rows.Length);
            for (int i = 0; i < rows.Length; i++)
            {
                var expected = generator.Generate(i);
                Assert.Equal(expected.Pixels, rows[i].Pixels);
                Assert.Equal(expected.Label, rows[i].Label);
                Assert.Equal(expected.Boxes[0].Width, rows[i].Boxes[2]);
                Assert.All(rows[i].Boxes.Skip(4 * expected.Label.Length), v => Assert.Equal(0f, v));
            }
        }

        [Fact]
        public void Options_ThatCannotFit_NameTheSetting()
        {
            var e = Assert.Throws<ArgumentException>(() =>
                new DigitSequenceGenerator(Digits.Train(10),
                    new DigitSequenceOptions { CanvasSize = 64, DigitSize = 30 }));
            Assert.Equal("CanvasSize", e.ParamName);
            Assert.Throws<ArgumentException>(() => new DigitSequenceOptions { MaxLength = 6 }.Validate());
        }
    }
}
