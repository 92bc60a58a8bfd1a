using System.Globalization;

/// <summary>The few arguments every example takes: the MNIST folder, epochs, an image limit, a seed and an output PNG.</summary>
internal sealed record ExampleArguments(string MnistFolder, int Epochs, int? Limit, long Seed, string OutputPng)
{
    public static ExampleArguments Parse(string[] args, string defaultOut)
    {
        string folder = Path.Combine("..", "shared", "data", "mnist");
        int epochs = 5;
        int? limit = null;
        long seed = 1;
        string output = defaultOut;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw Usage($"{args[i]} needs a value.");
            int Positive(string value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw Usage($"'{value}' is not a positive whole number.");
            switch (args[i])
            {
                case "--epochs": epochs = Positive(Next()); break;
                case "--limit": limit = Positive(Next()); break;
                case "--seed": seed = Positive(Next()); break;
                case "--out": output = Next(); break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal): throw Usage($"Unknown option {flag}.");
                default: folder = args[i]; break;
            }
        }
        return new ExampleArguments(folder, epochs, limit, seed, output);
    }

    private static ArgumentException Usage(string message) =>
        new($"{message} Usage: [mnist-folder] [--epochs N] [--limit N] [--seed N] [--out grid.png]");
}
