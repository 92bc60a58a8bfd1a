// Every test touches libtorch or the file system: run them in one non-parallel collection.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
