// Marks one symbol-version requirement of an ELF shared library as weak (VER_FLG_WEAK).
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so requires GLIBCXX_3.4.32 (GCC 13) for a single symbol,
// _ZSt21ios_base_library_initv, a marker that <iostream> emits and nothing calls. Debian 12 and
// Ubuntu 22.04 ship libstdc++ up to GLIBCXX_3.4.30, so the loader refuses the library. A weak version
// requirement lets the loader continue when the version is missing.
//
// This file is compiled twice: into the MSBuild inline task (build/Gan.Keras.LibTorchCompat.targets, which says
// where and when the step runs and how to switch it off) and into the test project (with ELF_PATCHER_ONLY defined)
// so tests exercise the exact same code.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Gan.Keras.Build
{
    /// <summary>What <see cref="ElfWeakVersionPatcher.Patch"/> found and did.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The requirement was strong and has been marked weak.</summary>
        Patched,
        /// <summary>The requirement was already weak; nothing was changed.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version; nothing was changed.</summary>
        NotRequired,
    }

    /// <summary>Reads the GNU version-requirement table of an ELF64 little-endian file and weakens one entry.</summary>
    public static class ElfWeakVersionPatcher
    {
        /// <summary>The version TorchSharp 0.107.0 asks for and Debian 12 lacks.</summary>
        public const string MissingVersion = "GLIBCXX_3.4.32";

        /// <summary>The only symbol that may depend on <see cref="MissingVersion"/> for the patch to be safe.</summary>
        public const string MarkerSymbol = "_ZSt21ios_base_library_initv";

        private const ushort VerFlagWeak = 0x2;
        private const uint ShtDynsym = 11;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;

        /// <summary>Finds the byte offset of the vna_flags field of <paramref name="version"/>'s Vernaux entry.</summary>
        /// <returns>The offset, or -1 when the file does not require that version.</returns>
        public static long FindVersionFlagsOffset(byte[] elf, string version, out ushort versionIndex)
        {
            versionIndex = 0;
            RequireElf64LittleEndian(elf);
            foreach (var section in ReadSections(elf))
            {
                if (section.Type != ShtGnuVerneed) continue;
                var strtab = ReadSections(elf)[(int)section.Link];
                long verneed = (long)section.Offset;
                for (uint n = 0; n < section.Info; n++)
                {
                    ushort count = U16(elf, verneed + 2);
                    long aux = verneed + U32(elf, verneed + 8);
                    for (int a = 0; a < count; a++)
                    {
                        string name = CString(elf, (long)strtab.Offset + U32(elf, aux + 8));
                        if (name == version)
                        {
                            versionIndex = U16(elf, aux + 6);
                            return aux + 4;
                        }
                        aux += U32(elf, aux + 12);
                    }
                    uint next = U32(elf, verneed + 12);
                    if (next == 0) break;
                    verneed += next;
                }
            }
            return -1;
        }

        /// <summary>Lists the dynamic symbols bound to a version index (from .gnu.version).</summary>
        public static IReadOnlyList<string> SymbolsWithVersion(byte[] elf, ushort versionIndex)
        {
            var sections = ReadSections(elf);
            var result = new List<string>();
            Section? dynsym = null, versym = null;
            foreach (var s in sections)
            {
                if (s.Type == ShtDynsym) dynsym = s;
                if (s.Type == ShtGnuVersym) versym = s;
            }
            if (dynsym is null || versym is null) return result;
            var strtab = sections[(int)dynsym.Value.Link];
            ulong count = dynsym.Value.Size / 24;
            for (ulong i = 0; i < count; i++)
            {
                ushort v = (ushort)(U16(elf, (long)(versym.Value.Offset + 2 * i)) & 0x7fff);
                if (v != versionIndex) continue;
                uint nameOffset = U32(elf, (long)(dynsym.Value.Offset + 24 * i));
                result.Add(CString(elf, (long)strtab.Offset + nameOffset));
            }
            return result;
        }

        /// <summary>
        /// Marks the <see cref="MissingVersion"/> requirement weak in <paramref name="elf"/> (in memory), after checking
        /// that only <see cref="MarkerSymbol"/> depends on it.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is not ELF64 little-endian, or other symbols need the version.</exception>
        public static ElfPatchOutcome Patch(byte[] elf)
        {
            long offset = FindVersionFlagsOffset(elf, MissingVersion, out ushort index);
            if (offset < 0) return ElfPatchOutcome.NotRequired;
            ushort flags = U16(elf, offset);
            if ((flags & VerFlagWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
            foreach (var symbol in SymbolsWithVersion(elf, index))
            {
                if (symbol != MarkerSymbol)
                    throw new InvalidDataException(
                        $"Symbol '{symbol}' needs {MissingVersion}; weakening the requirement would not be safe. " +
                        "Install a libstdc++ that provides it instead.");
            }
            flags |= VerFlagWeak;
            elf[offset] = (byte)flags;
            elf[offset + 1] = (byte)(flags >> 8);
            return ElfPatchOutcome.Patched;
        }

        /// <summary>
        /// Patches a file on disk. The new content goes to a temporary file that then replaces the original, so a file
        /// hard-linked to the NuGet cache is never modified in place.
        /// </summary>
        public static ElfPatchOutcome PatchFile(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            var outcome = Patch(bytes);
            if (outcome != ElfPatchOutcome.Patched) return outcome;
            // File.Copy keeps the permissions; File.Replace renames over the original, breaking any hard link.
            string temp = path + ".weak-tmp";
            File.Copy(path, temp, overwrite: true);
            File.WriteAllBytes(temp, bytes);
            File.Replace(temp, path, null);
            return outcome;
        }

        /// <summary>Whether a libstdc++ image (file bytes) defines <paramref name="version"/>.</summary>
        public static bool DefinesVersion(byte[] libstdcxx, string version)
        {
            // Compiled by MSBuild's inline task factory against netstandard2.0: no spans here.
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int i = 0; i + needle.Length <= libstdcxx.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && libstdcxx[i + j] == needle[j]) j++;
                if (j == needle.Length) return true;
            }
            return false;
        }

        private readonly struct Section
        {
            public Section(uint type, ulong offset, ulong size, uint link, uint info)
            {
                Type = type; Offset = offset; Size = size; Link = link; Info = info;
            }
            public uint Type { get; }
            public ulong Offset { get; }
            public ulong Size { get; }
            public uint Link { get; }
            public uint Info { get; }
        }

        private static void RequireElf64LittleEndian(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("Not an ELF file (bad magic at byte 0).");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"Only ELF64 little-endian is supported (class {elf[4]}, data {elf[5]} at bytes 4-5).");
        }

        private static Section[] ReadSections(byte[] elf)
        {
            long shoff = (long)U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3A);
            ushort shnum = U16(elf, 0x3C);
            if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > elf.Length)
                throw new InvalidDataException($"Section header table out of range (offset {shoff}, {shnum} entries).");
            var sections = new Section[shnum];
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                sections[i] = new Section(U32(elf, h + 4), U64(elf, h + 24), U64(elf, h + 32), U32(elf, h + 40), U32(elf, h + 44));
            }
            return sections;
        }

        private static ushort U16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);
        private static uint U32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
        private static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;

        private static string CString(byte[] b, long o)
        {
            long end = o;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
        }
    }

#if !ELF_PATCHER_ONLY
    /// <summary>
    /// MSBuild task: weakens the GLIBCXX_3.4.32 requirement of every given file, after build only when this machine's
    /// libstdc++ lacks the version, after publish always. Every file it changes is named at high importance, so the
    /// step shows in a normal build's output.
    /// </summary>
    public sealed class WeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        /// <summary>Gets or sets the libLibTorchSharp.so copies in the build or publish output.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>
        /// Gets or sets a value indicating whether to patch only when this machine's libstdc++ lacks the version (a build
        /// output runs here); false patches regardless (a publish output runs elsewhere).
        /// </summary>
        public bool OnlyWhenSystemLacksVersion { get; set; } = true;

        /// <inheritdoc />
        public override bool Execute()
        {
            string reason = "for machines whose libstdc++ lacks it (Debian 12, Ubuntu 22.04)";
            if (OnlyWhenSystemLacksVersion)
            {
                string? libstdcxx = FindSystemLibstdcxx();
                if (libstdcxx is null)
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "Gan.Keras: no system libstdc++.so.6 found; TorchSharp left unpatched.");
                    return true;
                }
                if (ElfWeakVersionPatcher.DefinesVersion(File.ReadAllBytes(libstdcxx), ElfWeakVersionPatcher.MissingVersion))
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"Gan.Keras: {libstdcxx} provides {ElfWeakVersionPatcher.MissingVersion}; no patch needed.");
                    return true;
                }
                reason = $"because {libstdcxx} lacks it";
            }
            foreach (var item in Files)
            {
                string path = item.ItemSpec;
                if (!File.Exists(path)) continue;
                try
                {
                    var outcome = ElfWeakVersionPatcher.PatchFile(path);
                    if (outcome == ElfPatchOutcome.Patched)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            $"Gan.Keras: marked the {ElfWeakVersionPatcher.MissingVersion} requirement of {path} weak {reason}. " +
                            "Set GanKerasPatchLibTorchSharp=false to turn this step off.");
                    else
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"Gan.Keras: {path}: {outcome} ({ElfWeakVersionPatcher.MissingVersion} requirement).");
                }
                catch (InvalidDataException ex)
                {
                    Log.LogWarning($"Gan.Keras: could not make {path} loadable on this system: {ex.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }

        private static string? FindSystemLibstdcxx()
        {
            string[] dirs =
            {
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            };
            foreach (var dir in dirs)
            {
                string candidate = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }
    }
#endif
}
