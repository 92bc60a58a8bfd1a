using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>What one discriminator (critic) update measured, as detached scalar tensors on the model's device (no host read).</summary>
/// <param name="Loss">The loss whose gradient was applied, penalty included.</param>
/// <param name="RealScore">The mean score on real samples (<see cref="Losses.GanLoss.Score"/>).</param>
/// <param name="FakeScore">The mean score on generated samples.</param>
/// <param name="Penalty">The weighted gradient penalty included in <paramref name="Loss"/>, or null without one.</param>
public sealed record DiscriminatorStepResult(torch.Tensor Loss, torch.Tensor RealScore, torch.Tensor FakeScore, torch.Tensor? Penalty);
