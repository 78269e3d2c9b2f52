namespace Stn.Datasets.Data
{
    /// <summary>
    /// Column names of every IDataView made here:
    /// <list type="bullet">
    /// <item><c>Image</c>: Vector&lt;Single, C, H, W&gt; (a known-size <c>VectorDataViewType</c> with dimensions [C, H,
    /// W]), planar, pixels scaled from bytes to [0, 1].</item>
    /// <item><c>Label</c>: UInt32, the class as a plain number (the digit 0-9, or the sum 0-18 for MNIST addition).
    /// ML.NET's multiclass trainers want a key, so pipelines start with
    /// <c>mlContext.Transforms.Conversion.MapValueToKey("Label")</c>; an unsigned integer keeps the value exact and
    /// maps to keys without a float-to-text detour.</item>
    /// <item><c>Theta</c> (distorted sets only): Vector&lt;Single, P&gt;, the ground-truth transform parameters.</item>
    /// </list>
    /// </summary>
    public static class DatasetColumns
    {
        /// <summary>The image column, Vector&lt;Single, C, H, W&gt;.</summary>
        public const string Image = "Image";

        /// <summary>The label column, UInt32.</summary>
        public const string Label = "Label";

        /// <summary>The ground-truth transform column of distorted sets, Vector&lt;Single, P&gt;.</summary>
        public const string Theta = "Theta";
    }
}
