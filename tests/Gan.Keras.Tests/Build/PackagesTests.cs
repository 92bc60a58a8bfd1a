using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Gan.Keras.Build;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Build;

/// <summary>Packs the library and the dotnet tool once, from this checkout, into a temporary folder.</summary>
public sealed class PackedPackages : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Initializes a new instance of the <see cref="PackedPackages"/> class: runs <c>dotnet pack</c> twice.</summary>
    public PackedPackages()
    {
        Root = TestPaths.NewTempFolder();
        Feed = Path.Combine(Root, "feed");
        // Own bin/obj (artifacts) so the nested build never touches the checkout's outputs, which the running tests use.
        string artifacts = Path.Combine(Root, "artifacts");
        var clock = Stopwatch.StartNew();
        LibraryPackOutput = Pack("src/Gan.Keras/Gan.Keras.csproj", artifacts);
        LibraryPackTime = clock.Elapsed;
        clock.Restart();
        ToolPackOutput = Pack("src/Gan.Keras.Cli/Gan.Keras.Cli.csproj", artifacts);
        ToolPackTime = clock.Elapsed;
        Directory.Delete(artifacts, recursive: true);
    }

    /// <summary>Gets the temporary folder that holds everything.</summary>
    public string Root { get; }

    /// <summary>Gets the folder the packages were written to (a local feed).</summary>
    public string Feed { get; }

    /// <summary>Gets what <c>dotnet pack</c> printed for the library.</summary>
    public string LibraryPackOutput { get; }

    /// <summary>Gets what <c>dotnet pack</c> printed for the tool.</summary>
    public string ToolPackOutput { get; }

    /// <summary>Gets how long packing the library took (including its Release build).</summary>
    public TimeSpan LibraryPackTime { get; }

    /// <summary>Gets how long packing the tool took (including its Release build and publish).</summary>
    public TimeSpan ToolPackTime { get; }

    /// <summary>Gets the path of the one package in the feed whose file name starts with <paramref name="id"/> and a version.</summary>
    public string Package(string id) =>
        Directory.GetFiles(Feed, id + ".*.nupkg").Single(p => char.IsAsciiDigit(Path.GetFileName(p)[id.Length + 1]));

    /// <summary>Deletes the packages and everything installed from them.</summary>
    public void Dispose() => Directory.Delete(Root, recursive: true);

    private string Pack(string project, string artifacts)
    {
        var (code, output) = DotnetCommand.Run(TestPaths.RepositoryRoot, PackTimeout,
            "pack", project, "-c", "Release", "-o", Feed, "--artifacts-path", artifacts, "--disable-build-servers");
        Assert.True(code == 0, $"dotnet pack {project} exited {code}:\n{output}");
        return output;
    }
}

/// <summary>
/// The library package (metadata, readme, licence, dependencies, the Debian 12 step for apps) and the dotnet tool
/// (installed from a folder with <c>dotnet tool install</c>, then run), packed from this checkout. Offline: the feed is
/// the local folder and the packages' dependencies come from the machine's NuGet cache.
/// </summary>
[Trait("Category", "Slow")]
public class PackagesTests : IClassFixture<PackedPackages>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);
    private readonly PackedPackages packages;
    private readonly ITestOutputHelper output;

    public PackagesTests(PackedPackages packages, ITestOutputHelper output)
    {
        this.packages = packages;
        this.output = output;
    }

    [Fact]
    public void LibraryPackage_HasCompleteMetadataAndReadme_DependsOnTorchSharpButNoLibTorch()
    {
        // Given the packed library
        output.WriteLine($"dotnet pack src/Gan.Keras: {packages.LibraryPackTime.TotalSeconds:F1} s");
        string nupkg = packages.Package("Gan.Keras");
        using var zip = ZipFile.OpenRead(nupkg);

        // When its nuspec is read
        var nuspec = XDocument.Load(zip.GetEntry("Gan.Keras.nuspec")!.Open()).Root!;
        XNamespace ns = nuspec.Name.Namespace;
        var metadata = nuspec.Element(ns + "metadata")!;
        string Field(string name) => metadata.Element(ns + name)?.Value ?? string.Empty;
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();

        // Then it names itself, its version, authors and purpose, carries its readme (documenting the switch for the
        // Debian 12 step), and its licence when the repository has one; it depends on TorchSharp and on no libtorch
        Assert.Equal("Gan.Keras", Field("id"));
        Assert.Matches(@"^\d+\.\d+\.\d+", Field("version"));
        Assert.NotEmpty(Field("authors"));
        Assert.Contains("TorchSharp", Field("description"), StringComparison.Ordinal);
        Assert.Equal("README.md", Field("readme"));
        using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
            Assert.Contains("<GanKerasPatchLibTorchSharp>false</GanKerasPatchLibTorchSharp>", readme.ReadToEnd(), StringComparison.Ordinal);
        bool repositoryHasLicence = File.Exists(Path.Combine(TestPaths.RepositoryRoot, "LICENSE"));
        Assert.Equal(repositoryHasLicence, metadata.Element(ns + "license")?.Attribute("type")?.Value == "file" && zip.GetEntry("LICENSE") is not null);
        if (!repositoryHasLicence) Assert.Contains("GANKERAS001", packages.LibraryPackOutput, StringComparison.Ordinal);
        Assert.Contains("TorchSharp", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase) || d.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase));

        // And the Debian 12 step travels to consuming apps, scoped to apps and switchable
        using var targets = new StreamReader(zip.GetEntry("buildTransitive/Gan.Keras.targets")!.Open());
        string text = targets.ReadToEnd();
        Assert.Contains("'$(OutputType)' == 'Exe'", text, StringComparison.Ordinal);
        Assert.Contains("'$(GanKerasPatchLibTorchSharp)' == 'true'", text, StringComparison.Ordinal);
        Assert.NotNull(zip.GetEntry("buildTransitive/ElfWeakVersionPatcher.cs"));
    }

    [Fact]
    public void LibraryPackage_ConsumerAppBuildsTheReadmeQuickStart_WithTheVisibleSwitchableDebianStep()
    {
        // Given a console app outside the repository with the README's C# quick start as its Program.cs, referencing
        // the packed Gan.Keras and the libtorch it chooses; NuGet sees the local feed and, read-only, the machine's cache
        string app = Path.Combine(packages.Root, "consumer");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeQuickStart());
        string version = Path.GetFileNameWithoutExtension(packages.Package("Gan.Keras"))["Gan.Keras.".Length..];
        string libtorch = OperatingSystem.IsLinux() ? "libtorch-cpu-linux-x64" : OperatingSystem.IsWindows() ? "libtorch-cpu-win-x64" : "libtorch-cpu-osx-arm64";
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Gan.Keras" Version="{version}" />
                <PackageReference Include="{libtorch}" Version="2.10.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{TestPaths.NuGetPackageRoot}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        // Gan.Keras itself is extracted into a cache of the test's own, so a later pack of the same version is never shadowed.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(packages.Root, "consumer-packages") };

        // When it is built, then built again with the step switched off
        var clock = Stopwatch.StartNew();
        var (code, build) = DotnetCommand.Run(app, RunTimeout, environment, "build", "--disable-build-servers");
        output.WriteLine($"consumer restore + build: {clock.Elapsed.TotalSeconds:F1} s");
        string native = Path.Combine(app, "bin", "Debug", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        byte[]? patched = File.Exists(native) ? File.ReadAllBytes(native) : null;
        var (offCode, buildOff) = DotnetCommand.Run(app, RunTimeout, environment, "build", "--disable-build-servers", "-p:GanKerasPatchLibTorchSharp=false");

        // Then the quick start compiles against the package; on a Linux whose libstdc++ lacks GLIBCXX_3.4.32 the build
        // names the patched file and how to switch the step off, and switched off the output holds TorchSharp's original
        Assert.True(code == 0, $"dotnet build of the consumer exited {code}:\n{build}");
        Assert.True(offCode == 0, $"dotnet build -p:GanKerasPatchLibTorchSharp=false exited {offCode}:\n{buildOff}");
        if (OperatingSystem.IsLinux() && !ElfWeakVersionPatcher.DefinesVersion(File.ReadAllBytes("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"), ElfWeakVersionPatcher.MissingVersion))
        {
            Assert.Contains("Gan.Keras: marked the GLIBCXX_3.4.32 requirement of", build, StringComparison.Ordinal);
            Assert.Contains("Set GanKerasPatchLibTorchSharp=false to turn this step off.", build, StringComparison.Ordinal);
            Assert.True(patched is not null, $"the build output has no {native}:\n{build}");
            Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfWeakVersionPatcher.Patch(patched));
            Assert.DoesNotContain("Gan.Keras: marked", buildOff, StringComparison.Ordinal);
            Assert.Equal(File.ReadAllBytes(TestPaths.TorchSharpNativeInNuGetCache), File.ReadAllBytes(native));
        }
    }

    [Fact]
    public void CliTool_InstallsFromAFolderWithDotnetTool_AndGanTrains()
    {
        // Given the packed tool in a folder, and a NuGet configuration that knows only that folder
        output.WriteLine($"dotnet pack src/Gan.Keras.Cli: {packages.ToolPackTime.TotalSeconds:F1} s");
        foreach (var file in Directory.GetFiles(packages.Feed, "Gan.Keras.Cli*.nupkg"))
            output.WriteLine($"{Path.GetFileName(file)}: {new FileInfo(file).Length / 1e6:F1} MB");
        string version = Path.GetFileNameWithoutExtension(packages.Package("Gan.Keras.Cli"))["Gan.Keras.Cli.".Length..];
        string config = Path.Combine(packages.Root, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages.Feed}" />
              </packageSources>
            </configuration>
            """);
        string tools = Path.Combine(packages.Root, "tools");

        // When it is installed with dotnet tool install, and gan is run
        var clock = Stopwatch.StartNew();
        var (installCode, installOutput) = DotnetCommand.Run(packages.Root, RunTimeout,
            "tool", "install", "--tool-path", tools, "--configfile", config, "Gan.Keras.Cli", "--version", version);
        output.WriteLine($"dotnet tool install: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(installCode == 0, $"dotnet tool install exited {installCode}:\n{installOutput}");
        string gan = Path.Combine(tools, OperatingSystem.IsWindows() ? "gan.exe" : "gan");
        var (helpCode, help) = DotnetCommand.RunProgram(gan, packages.Root, RunTimeout, "--help");
        string run = Path.Combine(packages.Root, "run");
        clock.Restart();
        var (trainCode, train) = DotnetCommand.RunProgram(gan, packages.Root, RunTimeout, "train", "--data", "ring8", "--epochs", "1", "--out", run);
        output.WriteLine($"gan train --data ring8 --epochs 1: {clock.Elapsed.TotalSeconds:F1} s");

        // Then gan prints its commands, trains one epoch and writes the weights
        Assert.True(helpCode == 0, $"gan --help exited {helpCode}:\n{help}");
        Assert.Contains("train", help, StringComparison.Ordinal);
        Assert.True(trainCode == 0, $"gan train exited {trainCode}:\n{train}");
        Assert.Contains("Epoch 1/1", train, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, "weights.safetensors")), $"no weights.safetensors after:\n{train}");

        // And on Linux the installed libLibTorchSharp.so carries the weak GLIBCXX_3.4.32 requirement whatever the packing
        // machine's libstdc++ (the publish step always applies it), so the tool loads on Debian 12
        if (OperatingSystem.IsLinux())
        {
            string native = Directory.GetFiles(tools, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
            Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfWeakVersionPatcher.Patch(File.ReadAllBytes(native)));
        }
    }

    private static string ReadmeQuickStart()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        int section = readme.IndexOf("## Quick start in C#", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no 'Quick start in C#' section.");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end];
    }
}
