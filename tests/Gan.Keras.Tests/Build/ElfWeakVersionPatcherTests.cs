using Gan.Keras.Build;
using Xunit;

namespace Gan.Keras.Tests.Build;

public class ElfWeakVersionPatcherTests
{
    private static readonly bool SystemLacksVersion = !File.Exists("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")
        || !ElfWeakVersionPatcher.DefinesVersion(File.ReadAllBytes("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"), ElfWeakVersionPatcher.MissingVersion);

    [Fact]
    public void BuildOutputCopy_DiffersFromNuGetOriginalOnlyInTheWeakFlag()
    {
        if (!OperatingSystem.IsLinux()) return;
        string original = TestPaths.TorchSharpNativeInNuGetCache;
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(original), $"NuGet original missing: {original}");
        Assert.True(File.Exists(output), $"build output copy missing: {output}");

        byte[] before = File.ReadAllBytes(original);
        byte[] after = File.ReadAllBytes(output);
        long flagsOffset = ElfWeakVersionPatcher.FindVersionFlagsOffset(before, ElfWeakVersionPatcher.MissingVersion, out _);

        Assert.Equal(before.Length, after.Length);
        var differing = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        if (SystemLacksVersion)
        {
            Assert.True(flagsOffset > 0);
            Assert.Equal(new[] { (int)flagsOffset }, differing);
            Assert.Equal(before[flagsOffset] | 0x2, after[flagsOffset]);
        }
        else
        {
            Assert.Empty(differing);
        }
    }

    [Fact]
    public void Patch_WeakensOnlyTheVersionFlag_AndIsIdempotent()
    {
        if (!OperatingSystem.IsLinux()) return;
        byte[] original = File.ReadAllBytes(TestPaths.TorchSharpNativeInNuGetCache);
        byte[] copy = (byte[])original.Clone();

        var first = ElfWeakVersionPatcher.Patch(copy);
        byte[] afterFirst = (byte[])copy.Clone();
        var second = ElfWeakVersionPatcher.Patch(copy);

        Assert.Equal(ElfPatchOutcome.Patched, first);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, second);
        Assert.Equal(afterFirst, copy);
        Assert.Equal(1, original.Zip(copy).Count(p => p.First != p.Second));
    }

    [Fact]
    public void OnlyTheIostreamMarkerSymbol_NeedsTheMissingVersion()
    {
        if (!OperatingSystem.IsLinux()) return;
        byte[] original = File.ReadAllBytes(TestPaths.TorchSharpNativeInNuGetCache);

        ElfWeakVersionPatcher.FindVersionFlagsOffset(original, ElfWeakVersionPatcher.MissingVersion, out ushort index);
        var symbols = ElfWeakVersionPatcher.SymbolsWithVersion(original, index);

        Assert.Equal(new[] { ElfWeakVersionPatcher.MarkerSymbol }, symbols);
    }

    [Fact]
    public void Patch_RefusesNonElfInput_WithClearError()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ElfWeakVersionPatcher.Patch(new byte[100]));

        Assert.Contains("Not an ELF file", ex.Message, StringComparison.Ordinal);
    }
}
