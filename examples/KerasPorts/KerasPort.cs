using System.Globalization;
using Gan.Keras.Models;

namespace Gan.Keras.Examples.KerasPorts;

/// <summary>
/// One ported Keras example: its subcommand name (the original's file name), a one-line description naming the
/// original, and <see cref="Run"/>, which follows the original's structure step for step.
/// </summary>
internal abstract class KerasPort
{
    /// <summary>Gets the subcommand name, e.g. <c>acgan</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a one-line description naming the original example.</summary>
    public abstract string Description { get; }

    /// <summary>Runs the port for <see cref="PortSettings.Steps"/> steps.</summary>
    public abstract void Run(PortSettings settings);

    /// <summary>
    /// Prints <c>params &lt;network&gt; &lt;total&gt; &lt;trainable&gt;</c>: the two counts of Keras's <c>summary()</c>
    /// (non-trainable weights such as moving statistics count in the total, as Keras counts them).
    /// </summary>
    protected static void PrintParams(string network, Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long trainable = model.TrainableVariables.Sum(v => v.numel());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"params {network} {model.CountParams()} {trainable}"));
    }
}
