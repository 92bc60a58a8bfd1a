using System.Diagnostics;
using Gan.Keras.Data;
using Gan.Keras.Evaluation;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Evaluation;

/// <summary>Features of the real ResNet-18 (copied from its NuGet package by the build) on colour shapes, shared by the tests.</summary>
public sealed class ResNet18Fixture : IDisposable
{
    public const int Count = 40;

    public ResNet18Fixture()
    {
        Network = new ResNet18Features(threads: 2);
        using var first = ProceduralShapes.Load(Count, seed: 1, channels: 3, side: 32);
        using var second = ProceduralShapes.Load(Count, seed: 2, channels: 3, side: 32);
        // Lives as long as the fixture: detached from any dispose scope on purpose.
        Real = first.Features.clone().DetachFromDisposeScope();
        Other = second.Features.clone().DetachFromDisposeScope();
        var clock = Stopwatch.StartNew();
        RealFeatures = Network.Features(Real).DetachFromDisposeScope();
        MillisecondsPerImage = clock.Elapsed.TotalMilliseconds / Count;
        OtherFeatures = Network.Features(Other).DetachFromDisposeScope();
    }

    public ResNet18Features Network { get; }

    public torch.Tensor Real { get; }

    public torch.Tensor Other { get; }

    public torch.Tensor RealFeatures { get; }

    public torch.Tensor OtherFeatures { get; }

    public double MillisecondsPerImage { get; }

    public void Dispose()
    {
        Network.Dispose();
        foreach (var t in new[] { Real, Other, RealFeatures, OtherFeatures }) t.Dispose();
    }
}

public class ResNet18FeaturesTests(ResNet18Fixture fixture, ITestOutputHelper output) : IClassFixture<ResNet18Fixture>
{
    private static readonly ImageEvaluationOptions Options = new(KidSubsets: 10, Seed: 3);

    [Trait("Category", "Slow")]
    [Fact]
    public void TwoHalvesOfRealData_ScoreNearZero_FarBelowNoise()
    {
        // Given features of two independent draws of colour shapes, and of uniform noise images
        using var scope = torch.NewDisposeScope();
        var noise = fixture.Network.Features(torch.rand(ResNet18Fixture.Count, 3, 32, 32, generator: new torch.Generator(5)) * 2 - 1);

        // When both are compared with the first draw
        var same = FeatureDistances.Compare("resnet18", fixture.RealFeatures, fixture.OtherFeatures, Options);
        var apart = FeatureDistances.Compare("resnet18", fixture.RealFeatures, noise, Options);
        output.WriteLine($"{fixture.MillisecondsPerImage:F1} ms/image; same data {same}; noise {apart}");

        // Then the real pair's FID is a small fraction of the noise's, its KID near zero, and noise has no recall
        // FID is biased upwards at 40 samples in 512 dimensions (the real pair is not at zero); KID is unbiased.
        Assert.True(same.Fid < apart.Fid / 5, $"FID real/real {same.Fid} vs noise {apart.Fid}");
        Assert.True(Math.Abs(same.Kid.Mean) < apart.Kid.Mean / 20, $"KID real/real {same.Kid.Mean} vs noise {apart.Kid.Mean}");
        Assert.True(same.PrecisionRecall.Recall > 0.5 && apart.PrecisionRecall.Recall < 0.1, $"{same.PrecisionRecall} / {apart.PrecisionRecall}");
        Assert.Equal(new[] { "fid_resnet18", "kid_resnet18", "kid_resnet18_std", "precision_resnet18", "recall_resnet18" }, same.Metrics.Keys);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void MoreCorruption_GivesAWorseScore_InOrder()
    {
        // Given the second draw corrupted by Gaussian pixel noise of growing strength
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(11);
        var fids = new List<double>();
        var kids = new List<double>();
        foreach (double sigma in new[] { 0.0, 0.15, 0.4, 1.0 })
        {
            // When each is compared with the first draw
            var features = sigma == 0 ? fixture.OtherFeatures : fixture.Network.Features((fixture.Other + torch.randn(fixture.Other.shape, generator: generator) * sigma).clamp(-1, 1));
            var report = FeatureDistances.Compare("resnet18", fixture.RealFeatures, features, Options);
            fids.Add(report.Fid);
            kids.Add(report.Kid.Mean);
        }
        output.WriteLine($"FID {string.Join(", ", fids.Select(f => f.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}; KID {string.Join(", ", kids.Select(k => k.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}");

        // Then both scores grow with the corruption
        Assert.Equal(fids.Order(), fids);
        Assert.Equal(kids.Order(), kids);
    }

    [Fact]
    public void Features_AreDeterministic_AndGrayImagesAreRepeatedToThreeChannels()
    {
        // Given four colour images and their gray version
        using var scope = torch.NewDisposeScope();
        var images = fixture.Real[..4];
        var gray = images.mean(new long[] { 1 }, keepdim: true);

        // When features are computed twice, and for the gray images as [n, 1, h, w] and as the same picture in 3 channels
        var again = fixture.Network.Features(images);
        var fromOne = fixture.Network.Features(gray);
        var fromThree = fixture.Network.Features(gray.expand(-1, 3, -1, -1));

        // Then the same images give the same features, [n, 512], and the gray paths agree
        Assert.Equal(new long[] { 4, 512 }, again.shape);
        Assert.True(again.eq(fixture.RealFeatures[..4]).all().item<bool>(), "same images, same features");
        Assert.True(fromOne.eq(fromThree).all().item<bool>());
        Assert.Equal(1, fixture.Network.BatchDimension);
    }

    [Fact]
    public void Preprocess_MapsToBgr0To255MinusTheMeanImage_At224()
    {
        // Given a pure red 32x32 image
        using var scope = torch.NewDisposeScope();
        var red = torch.full(new long[] { 1, 3, 32, 32 }, -1f);
        red[0, 0] = torch.tensor(1f);

        // When it is preprocessed, and a black image too
        var input = fixture.Network.Preprocess(red);
        var black = fixture.Network.Preprocess(torch.full(new long[] { 1, 3, 32, 32 }, -1f));

        // Then it is 224x224 and red (255 above black) sits in the last (BGR) channel
        Assert.Equal(new long[] { 1, 3, 224, 224 }, input.shape);
        var difference = (input - black).mean(new long[] { 0, 2, 3 });
        Assert.Equal(new[] { 0f, 0f, 255f }, difference.data<float>().ToArray().Select(v => MathF.Round(v, 3)));
        Assert.True(black.mean().item<float>() < -50, "the mean image (about 100-120 per channel) is subtracted");
    }

    [Fact]
    public void MissingOrAlteredModelFile_RaisesOneClearError()
    {
        // Given a folder without ResNet18.onnx, and one whose ResNet18.onnx is truncated (the mean-image file linked intact)
        string missing = TestPaths.NewTempFolder();
        string altered = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(altered, "ResNet18.onnx"), File.ReadAllBytes(Path.Combine(ResNet18Features.DefaultModelDirectory, "ResNet18.onnx"))[..100_000]);
        File.CreateSymbolicLink(Path.Combine(altered, "ResNetPreprocess.onnx"), Path.Combine(ResNet18Features.DefaultModelDirectory, "ResNetPreprocess.onnx"));

        // When the network is loaded from them
        var notFound = Assert.Throws<FileNotFoundException>(() => new ResNet18Features(missing));
        var wrong = Assert.Throws<InvalidDataException>(() => new ResNet18Features(altered));

        // Then the errors name the file, what was wrong and how to fix it
        Assert.Contains("ResNet18.onnx' is missing", notFound.Message);
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", notFound.Message);
        Assert.Contains($"not the package's {ResNet18Features.ModelSha256}", wrong.Message);
        Assert.Contains("altered or truncated", wrong.Message);
    }
}
