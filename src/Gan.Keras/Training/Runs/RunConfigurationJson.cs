using System.Text.Json.Serialization;

namespace Gan.Keras.Training.Runs;

/// <summary>
/// System.Text.Json source generation for <see cref="RunConfiguration"/>: kebab-case keys (<c>batch-size</c>), unknown
/// keys refused, unset optional settings left out.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RunConfiguration))]
internal sealed partial class RunConfigurationJson : JsonSerializerContext
{
}
