namespace Gan.Keras.Losses;

/// <summary>The GAN losses by name, for the command line and configuration files.</summary>
public static class GanLosses
{
    private static readonly (string Name, string[] Aliases, Func<GanLoss> Create, string Description)[] Entries =
    {
        ("minimax", new[] { "saturating" }, () => new MinimaxLoss(), "original minimax loss (Goodfellow et al. 2014), logits"),
        ("non-saturating", new[] { "nsgan", "bce" }, () => new NonSaturatingLoss(), "non-saturating loss (Goodfellow et al. 2014), logits"),
        ("non-saturating-r1", new[] { "r1" }, () => new NonSaturatingLoss { Penalty = new R1Penalty(10.0) }, "non-saturating loss + R1 penalty γ = 10 (Mescheder et al. 2018)"),
        ("lsgan", new[] { "least-squares" }, () => new LeastSquaresLoss(), "least squares (Mao et al. 2017)"),
        ("wgan", new[] { "wasserstein" }, () => new WassersteinLoss(), "Wasserstein loss with weight clipping ±0.01 (Arjovsky et al. 2017)"),
        ("wgan-gp", Array.Empty<string>(), () => new WassersteinGpLoss(), "Wasserstein loss + gradient penalty λ = 10 (Gulrajani et al. 2017)"),
        ("hinge", Array.Empty<string>(), () => new HingeLoss(), "hinge loss (Lim & Ye 2017; Miyato et al. 2018)"),
    };

    /// <summary>Gets the canonical loss names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>Gets a one-line description of a loss by canonical name.</summary>
    /// <param name="name">A name from <see cref="Names"/>.</param>
    public static string Describe(string name) => Find(name).Description;

    /// <summary>Creates a new loss with its paper's defaults from its name (case-insensitive; aliases accepted).</summary>
    /// <param name="name"><c>minimax</c>, <c>non-saturating</c>, <c>non-saturating-r1</c>, <c>lsgan</c>, <c>wgan</c>, <c>wgan-gp</c> or <c>hinge</c>.</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names.</exception>
    public static GanLoss FromName(string name) => Find(name).Create();

    private static (string Name, string[] Aliases, Func<GanLoss> Create, string Description) Find(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string key = name.Trim();
        foreach (var entry in Entries)
            if (string.Equals(entry.Name, key, StringComparison.OrdinalIgnoreCase) || entry.Aliases.Any(a => string.Equals(a, key, StringComparison.OrdinalIgnoreCase)))
                return entry;
        throw new ArgumentException($"Unknown GAN loss '{name}'. Known losses: {string.Join(", ", Names)}.", nameof(name));
    }
}
