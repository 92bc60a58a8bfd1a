using System.Globalization;
using Gan.Keras.Export;
using TorchSharp;

namespace Gan.Keras.Cli.Training;

/// <summary>Writes generated samples as CSV: <c>x,y</c> columns for 2-D points, <c>v0..vN</c> for flattened images.</summary>
internal static class SampleCsv
{
    public static void Write(string path, torch.Tensor samples)
    {
        using var rows = samples.reshape(samples.shape[0], -1);
        long columns = rows.shape[1];
        var values = rows.data<float>().ToArray();
        var text = new System.Text.StringBuilder();
        text.AppendLine(columns == 2 ? "x,y" : string.Join(",", Enumerable.Range(0, (int)columns).Select(i => string.Create(CultureInfo.InvariantCulture, $"v{i}"))));
        for (long r = 0; r < rows.shape[0]; r++)
            text.AppendLine(string.Join(",", Enumerable.Range(0, (int)columns).Select(c => values[r * columns + c].ToString("R", CultureInfo.InvariantCulture))));
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
