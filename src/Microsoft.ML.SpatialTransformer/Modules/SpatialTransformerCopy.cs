using System;
using System.Linq;

namespace Microsoft.ML.SpatialTransformer.Modules
{
    /// <summary>
    /// Copies an ST trained inside an <see cref="StNetwork"/> into a standalone <see cref="SpatialTransformerModule"/>.
    /// The network normalises its input before its STs; the standalone module normalises only what its localisation
    /// network sees, with the network's statistics, so the thetas match and the warp applies to the caller's own
    /// pixels.
    /// </summary>
    internal static class SpatialTransformerCopy
    {
        /// <param name="target">A fresh module of the same architecture, with a localisation input normalisation
        /// exactly when <paramref name="normalisation"/> is not null.</param>
        /// <param name="trained">The ST inside the trained network.</param>
        /// <param name="normalisation">The network's input normalisation, or null.</param>
        public static void Load(SpatialTransformerModule target, SpatialTransformerModule trained,
            InputNormalisation normalisation)
        {
            if ((target.LocalisationInput is null) != (normalisation is null))
                throw new ArgumentException("The standalone transform must normalise its localisation input exactly " +
                    "when the network normalises its input.", nameof(target));
            // The trained ST has no normalisation entries of its own; everything else must match one to one.
            var (missing, unexpected) = target.load_state_dict(trained.state_dict(), strict: false);
            if (unexpected.Count > 0
                || missing.Any(k => !k.StartsWith("localisation_input.", StringComparison.Ordinal)))
                throw new InvalidOperationException("The trained spatial transformer does not match the standalone " +
                    $"one (missing: {string.Join(", ", missing)}; unexpected: {string.Join(", ", unexpected)}).");
            if (normalisation is not null) target.LocalisationInput.CopyFrom(normalisation);
        }
    }
}
