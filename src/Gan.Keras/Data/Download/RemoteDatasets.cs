namespace Gan.Keras.Data.Download;

/// <summary>
/// The downloadable datasets, with their publishers' mirrors and checksums (MD5 of the <c>.gz</c> files as torchvision
/// lists them; for MNIST also the MD5 of the decompressed files, which accepts mirrors that re-compress them).
/// </summary>
public static class RemoteDatasets
{
    /// <summary>Gets MNIST (LeCun, Cortes, Burges; CC BY-SA 3.0) on PyTorch's mirror.</summary>
    public static RemoteDataset Mnist { get; } = new(
        "mnist",
        new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new[]
        {
            Idx("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", "6bbc9ace898e44ae57da46a324031adb"),
            Idx("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", "a25bea736e30d166cdddb491f175f624"),
            Idx("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", "2646ac647ad5339dbf082846283269ea"),
            Idx("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", "27ae3e4e09519cfbb04c329615203637"),
        },
        "MNIST database, Yann LeCun, Corinna Cortes, Christopher J.C. Burges; CC BY-SA 3.0.");

    /// <summary>Gets Fashion-MNIST (Zalando Research; MIT).</summary>
    public static RemoteDataset FashionMnist { get; } = new(
        "fashion-mnist",
        new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        new[]
        {
            Idx("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            Idx("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
            Idx("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
            Idx("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
        },
        "Fashion-MNIST, Han Xiao, Kashif Rasul, Roland Vollgraf (Zalando Research); MIT.");

    /// <summary>Gets Kuzushiji-MNIST (ROIS-DS Center for Open Data in the Humanities; CC BY-SA 4.0).</summary>
    public static RemoteDataset Kmnist { get; } = new(
        "kmnist",
        new Uri("http://codh.rois.ac.jp/kmnist/dataset/kmnist/"),
        new[]
        {
            Idx("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
            Idx("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
            Idx("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
            Idx("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
        },
        "Kuzushiji-MNIST, Clanuwat et al. 2018 (CODH); CC BY-SA 4.0.");

    /// <summary>Gets CIFAR-10's binary version (Krizhevsky 2009), one archive holding <c>cifar-10-batches-bin</c>.</summary>
    public static RemoteDataset Cifar10 { get; } = new(
        "cifar10",
        new Uri("https://www.cs.toronto.edu/~kriz/"),
        new[]
        {
            new RemoteFile("cifar-10-binary.tar.gz", new[]
            {
                FileChecksum.Md5("c32a1d4ab5d03f1284b67883e8d87530"),
                FileChecksum.Sha256("c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"),
            }),
        },
        "CIFAR-10, Alex Krizhevsky, Learning Multiple Layers of Features from Tiny Images, 2009.");

    /// <summary>Gets all downloadable datasets.</summary>
    public static IReadOnlyList<RemoteDataset> All { get; } = new[] { Mnist, FashionMnist, Kmnist, Cifar10 };

    /// <summary>Finds a dataset by catalog name (case ignored), or null.</summary>
    public static RemoteDataset? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    private static RemoteFile Idx(string name, string gzipMd5, string? contentMd5 = null) =>
        new(name, contentMd5 is null
            ? new[] { FileChecksum.Md5(gzipMd5) }
            : new[] { FileChecksum.Md5(gzipMd5), FileChecksum.Md5OfContent(contentMd5) });
}
