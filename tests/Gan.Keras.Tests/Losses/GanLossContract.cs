using Gan.Keras.Losses;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

/// <summary>One case of the GAN-loss contract: a loss, four-element inputs, and hand-computed values.</summary>
/// <param name="Create">Creates the loss under test.</param>
/// <param name="Real">Discriminator outputs on real samples (four elements).</param>
/// <param name="Fake">Discriminator outputs on generated samples (four elements).</param>
/// <param name="ExpectedDiscriminator">The discriminator loss, computed by hand.</param>
/// <param name="ExpectedGenerator">The generator loss, computed by hand.</param>
/// <param name="DiscriminatorTerm">The loss's static discriminator function, when it has one, checked against the same value.</param>
/// <param name="GeneratorTerm">The loss's static generator function, when it has one.</param>
/// <param name="ErrorName">The name its shape errors begin with; the loss's type name when null.</param>
internal sealed record GanLossCase(
    Func<GanLoss> Create,
    float[] Real,
    float[] Fake,
    double ExpectedDiscriminator,
    double ExpectedGenerator,
    Func<torch.Tensor, torch.Tensor, torch.Tensor>? DiscriminatorTerm = null,
    Func<torch.Tensor, torch.Tensor>? GeneratorTerm = null,
    string? ErrorName = null);

/// <summary>
/// The shared contract every <see cref="GanLoss"/> meets (as TF-GAN's <c>_LossesTest</c>): hand-computed values on
/// four-element inputs, the same values for <c>[batch]</c> and <c>[batch, 1]</c> outputs, scalar results, and clear
/// errors for outputs that are not one score per example.
/// </summary>
internal static class GanLossContract
{
    /// <summary>The default real-sample logits of the contract.</summary>
    public static readonly float[] Real = { 1.0f, -1.0f, 2.0f, 0.5f };

    /// <summary>The default generated-sample logits of the contract.</summary>
    public static readonly float[] Fake = { -0.5f, 0.0f, 1.0f, -2.0f };

    public static void Verify(GanLossCase testCase)
    {
        var loss = testCase.Create();
        using var scope = torch.NewDisposeScope();

        foreach (var shape in new[] { new long[] { 4 }, new long[] { 4, 1 } })
        {
            var real = torch.tensor(testCase.Real).reshape(shape);
            var fake = torch.tensor(testCase.Fake).reshape(shape);

            var d = loss.DiscriminatorLoss(real, fake);
            var g = loss.GeneratorLoss(fake);

            Assert.Equal(0, d.dim());
            Assert.Equal(0, g.dim());
            Assert.Equal(testCase.ExpectedDiscriminator, d.item<float>(), 5);
            Assert.Equal(testCase.ExpectedGenerator, g.item<float>(), 5);
            if (testCase.DiscriminatorTerm is { } dTerm) Assert.Equal(testCase.ExpectedDiscriminator, dTerm(real, fake).item<float>(), 5);
            if (testCase.GeneratorTerm is { } gTerm) Assert.Equal(testCase.ExpectedGenerator, gTerm(fake).item<float>(), 5);
        }

        // Each of the three checks names the loss, so a user sees which loss refused which output.
        string name = (testCase.ErrorName ?? loss.GetType().Name) + ": ";
        var good = torch.tensor(testCase.Real);
        var twoColumns = torch.ones(4, 2);
        var empty = torch.zeros(0);
        var d1 = Assert.ThrowsAny<ArgumentException>(() => loss.DiscriminatorLoss(twoColumns, good));
        Assert.StartsWith(name, d1.Message, StringComparison.Ordinal);
        Assert.Contains("one discriminator score per example", d1.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2]", d1.Message, StringComparison.Ordinal);
        Assert.StartsWith(name, Assert.ThrowsAny<ArgumentException>(() => loss.DiscriminatorLoss(good, twoColumns)).Message, StringComparison.Ordinal);
        Assert.StartsWith(name, Assert.ThrowsAny<ArgumentException>(() => loss.GeneratorLoss(twoColumns)).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => loss.DiscriminatorLoss(empty, good));
        Assert.ThrowsAny<ArgumentException>(() => loss.GeneratorLoss(torch.ones(2, 2, 1)));
        Assert.Throws<ArgumentNullException>(() => loss.DiscriminatorLoss(null!, good));
        Assert.Throws<ArgumentNullException>(() => loss.DiscriminatorLoss(good, null!));
        Assert.Throws<ArgumentNullException>(() => loss.GeneratorLoss(null!));
    }
}
