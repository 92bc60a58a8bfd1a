using Gan.Keras.Cli.Serving;
using Microsoft.AspNetCore.WebUtilities;
using Xunit;

namespace Gan.Keras.Tests.Cli.Serving;

public class SampleQueryTests
{
    [Theory]
    [InlineData("seed=1&n=257", "n = 257 is too many: at most 256 samples per request")]
    [InlineData("seed=1&n=0", "n = 0: ask for at least 1 sample")]
    [InlineData("seed=1&n=many", "n 'many' is not a whole number")]
    [InlineData("seed=4294967296", "seed 4294967296 is out of range: use 0 to 4294967295")]
    [InlineData("seed=-3", "seed -3 is out of range: use 0 to 4294967295")]
    [InlineData("seed=123456789012345678901234567890", "seed 123456789012345678901234567890 is out of range: use 0 to 4294967295")]
    [InlineData("seed=1.5", "seed '1.5' is not a whole number (use 0 to 4294967295)")]
    [InlineData("n=4", "missing parameter 'seed' (a whole number from 0 to 4294967295)")]
    [InlineData("seed=1&seed=2", "parameter 'seed' is given 2 times; give it once")]
    [InlineData("seed=1&color=red", "unknown parameter 'color'; valid parameters: seed, n, labels, to, t")]
    [InlineData("seed=1&labels=10", "unknown label 10: this generator's classes are 0 to 9")]
    [InlineData("seed=1&labels=-1", "unknown label -1: this generator's classes are 0 to 9")]
    [InlineData("seed=1&labels=3,x", "labels: 'x' is not a class number (give comma-separated whole numbers such as 3 or 0,1,2)")]
    [InlineData("seed=1&n=4&labels=1,2", "labels: give one class for all samples or one per sample (4), not 2")]
    [InlineData("seed=1&to=2", "'to' needs 't' (0 to 1): where between seed and to the samples lie")]
    [InlineData("seed=1&t=0.5", "'t' needs 'to': the seed to interpolate towards")]
    [InlineData("seed=1&to=2&t=1.5", "t = 1.5 is out of range: use 0 (seed) to 1 (to)")]
    [InlineData("seed=1&to=2&t=NaN", "t 'NaN' is not a number")]
    [InlineData("seed=1&to=4294967296&t=0.5", "to 4294967296 is out of range: use 0 to 4294967295")]
    public void Parse_RefusesABadQuery_WithOneLineReason(string text, string reason)
    {
        // Given a query string for a 10-class generator
        var query = QueryHelpers.ParseQuery(text);

        // When it is parsed
        var (parsed, error) = SampleQuery.Parse(query, numClasses: 10);

        // Then it is refused with that reason
        Assert.Null(parsed);
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Parse_RefusesLabels_ForAnUnconditionalGenerator()
    {
        var (parsed, error) = SampleQuery.Parse(QueryHelpers.ParseQuery("seed=1&labels=3"), numClasses: null);

        Assert.Null(parsed);
        Assert.Equal("labels: this generator is not conditional, so it takes no labels", error);
    }

    [Fact]
    public void Parse_GivesDefaults_AndCyclesClasses_WithoutLabels()
    {
        // Given queries without n and labels, with one label, and with an interpolation
        var (plain, _) = SampleQuery.Parse(QueryHelpers.ParseQuery("seed=4294967295"), numClasses: 3);
        var (one, _) = SampleQuery.Parse(QueryHelpers.ParseQuery("seed=0&n=4&labels=2"), numClasses: 3);
        var (walk, _) = SampleQuery.Parse(QueryHelpers.ParseQuery("seed=5&n=2&to=6&t=0.25"), numClasses: null);

        // Then n is 16, labels cycle through the classes or repeat the one given, and the interpolation is kept
        Assert.Equal(new SampleQuery(4294967295, 16, null, null, 0) with { Labels = plain!.Labels }, plain);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)(i % 3)), plain.Labels!);
        Assert.Equal(new long[] { 2, 2, 2, 2 }, one!.Labels!);
        Assert.Equal((5L, 2, (long?)6L, 0.25, (long[]?)null), (walk!.Seed, walk.Count, walk.To, walk.T, walk.Labels));
    }
}
