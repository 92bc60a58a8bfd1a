namespace Gan.Keras.Evaluation;

/// <summary>Progress of a long evaluation step, reported through <see cref="IProgress{T}"/> so a caller never looks hung.</summary>
/// <param name="Stage">What is running, e.g. <c>training classifier (epoch 2/3)</c>, <c>generating samples</c>.</param>
/// <param name="Done">Units done in this stage.</param>
/// <param name="Total">Units in this stage.</param>
public readonly record struct EvaluationProgress(string Stage, long Done, long Total)
{
    /// <summary>Gets the fraction of the stage done, in [0, 1].</summary>
    public double Fraction => Total > 0 ? Math.Min(1.0, (double)Done / Total) : 1.0;
}
