namespace Gan.Keras.Losses;

/// <summary>
/// The loss of one extra discriminator output, after the adversarial output 0 (Keras's <c>loss=[...]</c>,
/// <c>loss_weights=[...]</c> for a multi-output discriminator): AC-GAN's class head is
/// <c>new OutputLoss(new SparseCategoricalCrossentropy(), OutputTarget.Labels)</c>, InfoGAN's code head
/// <c>new OutputLoss(new CategoricalCrossentropy(), OutputTarget.Input("code"))</c>.
/// </summary>
/// <remarks>
/// The term <c>weight · loss(target, output)</c> is added to the discriminator's loss on real samples (when the target
/// exists for them: labels) and on generated samples, and to the generator's loss on generated samples, as the AC-GAN
/// (Odena et al. 2017, eq. 2–3) and InfoGAN (Chen et al. 2016, eq. 6) objectives do.
/// </remarks>
/// <param name="Loss">The loss of this output.</param>
/// <param name="Target">What the output is compared with.</param>
/// <param name="Weight">The factor of this term (Keras's <c>loss_weights</c>); non-negative.</param>
public sealed record OutputLoss(Loss Loss, OutputTarget Target, double Weight = 1.0)
{
    /// <summary>Gets the loss.</summary>
    public Loss Loss { get; } = Loss ?? throw new ArgumentNullException(nameof(Loss));

    /// <summary>Gets the target.</summary>
    public OutputTarget Target { get; } = Target ?? throw new ArgumentNullException(nameof(Target));

    /// <summary>Gets the weight.</summary>
    public double Weight { get; } = Weight >= 0 && !double.IsInfinity(Weight) ? Weight
        : throw new ArgumentOutOfRangeException(nameof(Weight), Weight, "A loss weight must be a non-negative, finite number.");
}

/// <summary>What an extra discriminator output is trained to predict.</summary>
public sealed class OutputTarget
{
    private OutputTarget(string? inputName) => InputName = inputName;

    /// <summary>Gets the class labels: the data's labels for real samples, the generator's labels for generated ones (AC-GAN).</summary>
    public static OutputTarget Labels { get; } = new(null);

    /// <summary>Gets the name of the generator input the output predicts, or null for <see cref="Labels"/>.</summary>
    public string? InputName { get; }

    /// <summary>The generator input named <paramref name="name"/> (a code): generated samples only (InfoGAN's Q head).</summary>
    public static OutputTarget Input(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new OutputTarget(name);
    }

    /// <inheritdoc />
    public override string ToString() => InputName is null ? "labels" : $"input '{InputName}'";
}
