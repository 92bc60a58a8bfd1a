using System.Reflection;
using Gan.Keras.Examples.KerasPorts;
using Xunit;

namespace Gan.Keras.Tests.Examples;

public sealed class KerasPortsCatalogTests
{
    [Fact]
    public void EveryPort_HasADistinctLowerCaseName_AndADescription()
    {
        var ports = typeof(KerasPort).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(KerasPort)) && !t.IsAbstract)
            .Select(t => (KerasPort)Activator.CreateInstance(t)!)
            .ToArray();

        Assert.Equal(ports.Length, ports.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ports, p => Assert.Matches("^[a-z][a-z0-9_]*$", p.Name));
        Assert.All(ports, p => Assert.False(string.IsNullOrWhiteSpace(p.Description)));
    }
}
