using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class DatasetTests
{
    [Fact]
    public void Cache_ComputesAMapOnce_AndKeepsLabels()
    {
        // Given a mapped dataset whose function counts its calls
        using var scope = torch.NewDisposeScope();
        using var source = new InMemoryDataset(torch.arange(6, dtype: torch.float32).reshape(6, 1), torch.tensor(new long[] { 5, 4, 3, 2, 1, 0 }), "digits");
        int calls = 0;
        var mapped = source.Map(x => { calls++; return x * 2; });

        // When it is cached, then read for three epochs
        using var cached = mapped.Cache();
        int afterCaching = calls;
        for (int epoch = 0; epoch < 3; epoch++)
            foreach (var batch in cached.GetBatches(2)) { }

        // Then the function ran while caching only, and the examples and labels are the mapped ones
        Assert.Equal(afterCaching, calls);
        Assert.Equal(new float[] { 0, 2, 4, 6, 8, 10 }, cached.Features.data<float>().ToArray());
        Assert.Equal(new long[] { 5, 4, 3, 2, 1, 0 }, cached.Labels!.data<long>().ToArray());
        Assert.Equal("digits", cached.Name);
    }
}
