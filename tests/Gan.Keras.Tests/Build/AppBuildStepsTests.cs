using System.Text.Json;
using Xunit;

namespace Gan.Keras.Tests.Build;

/// <summary>
/// What build/TorchSharpRuntime.props and build/Gan.Keras.LibTorchCompat.targets give each project, read from MSBuild's
/// evaluation (<c>dotnet msbuild -getItem -getProperty</c>, no build).
/// </summary>
public class AppBuildStepsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Library_ReferencesTorchSharpButNoLibTorch_AndGetsNoPatchStep()
    {
        var (packages, patch) = Evaluate("src/Gan.Keras/Gan.Keras.csproj");

        Assert.Contains("TorchSharp", packages);
        Assert.DoesNotContain(packages, p => p.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase) || p.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("false", patch);
    }

    [Theory]
    [InlineData("src/Gan.Keras.Cli/Gan.Keras.Cli.csproj")]
    [InlineData("examples/Dcgan/Dcgan.csproj")]
    [InlineData("tests/Gan.Keras.Tests/Gan.Keras.Tests.csproj")]
    public void App_ChoosesTheCpuLibTorchOfThisOs_AndGetsThePatchStepOnLinux(string project)
    {
        var (packages, patch) = Evaluate(project);

        string expected = OperatingSystem.IsLinux() ? "libtorch-cpu-linux-x64" : OperatingSystem.IsWindows() ? "libtorch-cpu-win-x64" : "libtorch-cpu-osx-arm64";
        Assert.Equal(new[] { expected }, packages.Where(p => p.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(OperatingSystem.IsLinux() ? "true" : "false", patch);
    }

    [Theory]
    [InlineData("GanKerasPatchLibTorchSharp")]
    [InlineData("GanKerasLibTorchCompat")]
    public void App_PatchStepIsOff_WhenThePropertyIsFalse(string property)
    {
        var (_, patch) = Evaluate("src/Gan.Keras.Cli/Gan.Keras.Cli.csproj", $"-p:{property}=false");

        Assert.Equal("false", patch);
    }

    [Fact]
    public void App_BackendNone_ReferencesNoLibTorchPackage()
    {
        var (packages, _) = Evaluate("src/Gan.Keras.Cli/Gan.Keras.Cli.csproj", "-p:GanKerasTorchBackend=none");

        Assert.DoesNotContain(packages, p => p.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase) || p.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase));
    }

    private static (IReadOnlyList<string> Packages, string Patch) Evaluate(string project, params string[] extra)
    {
        string[] args = ["msbuild", project, "-getItem:PackageReference", "-getProperty:GanKerasPatchLibTorchSharp", .. extra];
        var (code, output) = DotnetCommand.Run(TestPaths.RepositoryRoot, Timeout, args);
        Assert.True(code == 0, $"dotnet {string.Join(' ', args)} exited {code}:\n{output}");
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        var packages = json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(p => p.GetProperty("Identity").GetString()!).ToList();
        string patch = json.RootElement.GetProperty("Properties").GetProperty("GanKerasPatchLibTorchSharp").GetString()!;
        return (packages, patch);
    }
}
