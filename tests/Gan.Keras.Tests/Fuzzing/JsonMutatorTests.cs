using System.Text;
using System.Text.Json;
using Gan.Keras.Tests.Fuzzing;
using Xunit;

namespace Gan.Keras.Tests.Fuzzing;

public class JsonMutatorTests
{
    private const string Document = "{\"format\":\"v1\",\"items\":[{\"size\":3,\"name\":\"a\"},{\"size\":4,\"name\":\"b\"}]}";

    [Fact]
    public void Mutate_DuplicatesKeys_ThatJsonObjectCannotHold()
    {
        var mutator = new JsonMutator(new Random(3));

        var texts = Enumerable.Range(0, 500).Select(_ => mutator.Mutate(Document)).Where(m => m.Description.StartsWith("duplicate key", StringComparison.Ordinal)).Select(m => Encoding.UTF8.GetString(m.Bytes)).ToList();

        Assert.NotEmpty(texts);
        var strict = new JsonDocumentOptions { AllowDuplicateProperties = false };
        Assert.All(texts.Take(20), text => Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text, strict)));
    }

    [Fact]
    public void Mutate_NestsUpToAHundredThousandLevels_AndReplacesNumbersWithExtremes()
    {
        var mutator = new JsonMutator(new Random(4));

        var mutations = Enumerable.Range(0, 3000).Select(_ => mutator.Mutate(Document)).ToList();

        Assert.Contains(mutations, m => m.Description.Contains("nest 100000 ", StringComparison.Ordinal) && m.Bytes.Length > 100_000);
        Assert.Contains(mutations, m => m.Description.Contains("-> 9223372036854775808", StringComparison.Ordinal));
        Assert.Contains(mutations, m => m.Description.Contains("-> 1e309", StringComparison.Ordinal));
    }

    [Fact]
    public void Mutate_GivesTheSameDocuments_ForTheSameSeed()
    {
        var (first, second) = (new JsonMutator(new Random(9), "x"), new JsonMutator(new Random(9), "x"));

        for (int i = 0; i < 200; i++) Assert.Equal(first.Mutate(Document).Bytes, second.Mutate(Document).Bytes);
    }
}
