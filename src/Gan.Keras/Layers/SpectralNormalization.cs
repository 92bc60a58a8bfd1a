using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Wraps a <see cref="Dense"/>, <see cref="Conv2D"/>, <see cref="Conv2DTranspose"/> or <see cref="Embedding"/> layer and
/// divides its kernel by an estimate of the kernel's largest singular value σ, so the layer is about 1-Lipschitz, as
/// Keras's <c>SpectralNormalization</c>.
/// </summary>
/// <remarks>
/// <para>Miyato, Kataoka, Koyama &amp; Yoshida, "Spectral Normalization for Generative Adversarial Networks", ICLR 2018,
/// Algorithm 1. The kernel is viewed as a matrix <c>W</c> with its first libtorch axis as rows
/// (<c>[in, out]</c> for Dense, <c>[filters, channels·kh·kw]</c> for Conv2D, <c>[channels, filters·kh·kw]</c> for
/// Conv2DTranspose: the same matrices, up to transposition, as Keras's). A persistent vector <c>u</c>
/// (non-trainable weight <c>vector_u</c>) is refined by <see cref="PowerIterations"/> power iterations at every
/// training call: <c>v = normalize(u·Wᵀ)</c>, <c>u = normalize(v·W)</c>; then <c>σ = v·W·uᵀ</c> and the wrapped layer
/// runs with <c>W / σ</c>.</para>
/// <para>As in the paper and PyTorch's <c>spectral_norm</c>, the gradient flows through σ (u and v are constants) and
/// the trainable kernel stays the unnormalised W; Keras 3 instead overwrites its kernel with <c>W / σ</c> at each
/// training call. At inference <c>u</c> is not updated. As in Keras 3, an all-zero kernel is left unnormalised
/// (σ taken as 1, <c>u</c> unchanged) rather than divided by σ = 0.</para>
/// </remarks>
public sealed class SpectralNormalization : Layer
{
    private readonly Layer layer;
    private torch.Tensor? vectorU => FindWeight("vector_u");

    /// <summary>Initializes a new instance of the <see cref="SpectralNormalization"/> class.</summary>
    /// <param name="layer">The layer to normalise: <see cref="Dense"/>, <see cref="Conv2D"/>, <see cref="Conv2DTranspose"/> or <see cref="Embedding"/>, not built yet.</param>
    /// <param name="powerIterations">Power iterations per training call; positive (1 in the paper).</param>
    /// <param name="name">Layer name.</param>
    public SpectralNormalization(Layer layer, int powerIterations = 1, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(powerIterations);
        if (layer is not IKernelLayer)
            throw new ArgumentException($"SpectralNormalization can wrap Dense, Conv2D, Conv2DTranspose or Embedding layers, which have a kernel; '{layer.GetType().Name}' has none.", nameof(layer));
        if (layer.Built)
            throw new ArgumentException($"Layer '{layer.Name}' is already built; wrap a new, unbuilt layer.", nameof(layer));
        this.layer = layer;
        PowerIterations = powerIterations;
        register_module("layer", layer);
    }

    /// <summary>Gets the wrapped layer.</summary>
    public Layer Layer => layer;

    /// <summary>Gets the number of power iterations per training call.</summary>
    public int PowerIterations { get; }

    /// <summary>Gets the power-iteration vector <c>u</c>, <c>[1, columns of W]</c>. Throws before the layer is built.</summary>
    public torch.Tensor VectorU => vectorU ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet; call Build() or run it on data first.");

    /// <summary>Computes the current estimate of σ, the kernel's largest singular value, without updating <c>u</c>.</summary>
    public double EstimateSigma()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return (float)HostReads.Read(Sigma(Matrix(((IKernelLayer)layer).Kernel), VectorU).reshape(1))[0];
    }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => layer.ComputeOutputShape(inputShape);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new SpectralNormalizationConfig(layer.GetConfig(), PowerIterations, ConfigName);

    /// <inheritdoc />
    /// <remarks>Inference: the wrapped layer runs with W / σ, σ = v·W·uᵀ from the stored u (not updated), as the layer computes it.</remarks>
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        string kernelName = layer is Embedding ? "embeddings" : "kernel";
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var kernel = onnx.Weight("layer." + kernelName);
        var matrix = Matrix(kernel);
        var sigma = Sigma(matrix, onnx.Weight("vector_u"));
        sigma = torch.where(matrix.eq(0).all(), torch.ones_like(sigma), sigma);
        return onnx.Export(layer, input, new Dictionary<string, torch.Tensor> { [kernelName] = kernel / sigma });
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        layer.Build(inputShape);
        var kernel = ((IKernelLayer)layer).Kernel;
        long columns = kernel.numel() / kernel.shape[0];
        var u = AddWeight("vector_u", new[] { 1L, columns }, new RandomNormal(0, 1), trainable: false);
        using var noGrad = torch.no_grad();
        using var normalized = torch.nn.functional.normalize(u, dim: 1);
        u.copy_(normalized);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var kernelLayer = (IKernelLayer)layer;
        var kernel = kernelLayer.Kernel;
        var matrix = Matrix(kernel);
        // As Keras 3: an all-zero kernel is left unnormalised (σ = 1, u unchanged) rather than divided by σ = 0.
        var allZero = matrix.detach().eq(0).all();
        torch.Tensor sigma;
        if (training)
        {
            torch.Tensor u = vectorU!, v;
            using (torch.no_grad())
            {
                v = torch.nn.functional.normalize(u.matmul(matrix.t()), dim: 1);
                u = torch.nn.functional.normalize(v.matmul(matrix), dim: 1);
                for (int i = 1; i < PowerIterations; i++)
                {
                    v = torch.nn.functional.normalize(u.matmul(matrix.t()), dim: 1);
                    u = torch.nn.functional.normalize(v.matmul(matrix), dim: 1);
                }
                vectorU!.copy_(torch.where(allZero, vectorU!, u));
            }
            // Algorithm 1: σ = ṽ·W·ũᵀ with the iteration's ũ and ṽ held constant; the gradient flows through W.
            sigma = v.matmul(matrix).matmul(u.t()).reshape(Array.Empty<long>());
        }
        else
        {
            sigma = Sigma(matrix, vectorU!);
        }
        sigma = torch.where(allZero, torch.ones_like(sigma), sigma);
        // σ is computed in the variables' dtype; under a mixed policy the wrapped layer computes with the normalised
        // kernel cast to its compute dtype (and reads its bias cast too).
        using var autocast = layer.Autocasting();
        var output = kernelLayer.CallWithKernel(layer.AutocastInputs(inputs), layer.AutocastVariable(kernel / sigma), training);
        return output.MoveToOuterDisposeScope();
    }

    internal static torch.Tensor Matrix(torch.Tensor kernel) => kernel.reshape(kernel.shape[0], -1);

    /// <summary>σ = v·W·uᵀ with v = normalize(u·Wᵀ); u and v are constants, W keeps its gradient.</summary>
    internal static torch.Tensor Sigma(torch.Tensor matrix, torch.Tensor u)
    {
        torch.Tensor v;
        using (torch.no_grad()) v = torch.nn.functional.normalize(u.matmul(matrix.t()), dim: 1);
        return v.matmul(matrix).matmul(u.t()).reshape(Array.Empty<long>());
    }
}

/// <summary>Configuration of a <see cref="SpectralNormalization"/> wrapper.</summary>
/// <param name="Layer">The wrapped layer's configuration.</param>
/// <param name="PowerIterations">Power iterations per training call.</param>
/// <param name="Name">Layer name.</param>
public sealed record SpectralNormalizationConfig(LayerConfig Layer, int PowerIterations, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new SpectralNormalization(Layer.CreateLayer(), PowerIterations, Name);
}
