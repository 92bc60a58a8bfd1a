using System.Diagnostics;
using System.Globalization;
using System.Text;
using TorchSharp;

namespace Gan.Keras.Tests.Fuzzing;

/// <summary>
/// Runs a <see cref="FuzzTarget"/>'s mutations and checks the contract of every case: the read returns, or throws
/// the reader's documented exception (<see cref="InvalidDataException"/> by default) naming the file; no other exception; no case longer than the case limit (a
/// watchdog thread reports a hang); no more managed allocation than the file's size justifies; no libtorch tensor left
/// alive. Failures are grouped by kind so one run shows every distinct bug.
/// </summary>
public static class FuzzHarness
{
    /// <summary>Runs every case of <paramref name="target"/>; throws <see cref="FuzzFailedException"/> listing the broken contracts.</summary>
    public static FuzzReport Run(FuzzTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var state = new RunState(target);
        var worker = new Thread(state.Work, 16 * 1024 * 1024) { IsBackground = true, Name = $"fuzz {target.Reader}" };
        var clock = Stopwatch.StartNew();
        worker.Start();
        while (!worker.Join(20))
        {
            long started = Interlocked.Read(ref state.CaseStarted);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > target.CaseLimit)
            {
                state.Stop = true;
                throw new FuzzFailedException($"{target.Reader}: case {state.Current} ran longer than {target.CaseLimit.TotalSeconds} s (a hang?): {state.CurrentDescription}");
            }
            if (clock.Elapsed > target.TotalLimit)
            {
                state.Stop = true;
                throw new FuzzFailedException($"{target.Reader}: {state.Current} of {target.Cases} cases took longer than the total limit of {target.TotalLimit.TotalSeconds} s.");
            }
        }
        state.Crash?.Throw();
        var report = new FuzzReport(target.Reader, state.Done, state.Accepted, state.Done - state.Accepted, clock.Elapsed, state.SlowestCase, state.MostAllocated, state.MostAllocatedLength);
        if (state.Failures.Count > 0)
        {
            var message = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{target.Reader}: {state.Failures.Sum(f => f.Value.Count)} of {state.Done} cases broke the contract, {state.Failures.Count} distinct ways:");
            foreach (var (kind, failure) in state.Failures)
                message.Append(CultureInfo.InvariantCulture, $"\n- {kind} ×{failure.Count}; first at case {failure.Case} ({failure.Description}): {failure.Detail}");
            throw new FuzzFailedException(message.ToString());
        }
        return report;
    }

    private sealed class RunState(FuzzTarget target)
    {
        public long CaseStarted;
        public volatile bool Stop;
        public volatile int Current;
        public volatile string CurrentDescription = "(warm-up)";
        public int Done;
        public int Accepted;
        public TimeSpan SlowestCase;
        public long MostAllocated;
        public long MostAllocatedLength;
        public System.Runtime.ExceptionServices.ExceptionDispatchInfo? Crash;
        public readonly Dictionary<string, (int Count, int Case, string Description, string Detail)> Failures = new(StringComparer.Ordinal);

        public void Work()
        {
            try
            {
                // The valid file must read: a reader that rejects everything would pass every case.
                target.Read(target.Valid);
                // Tensors left to the finalizer by earlier tests would be counted as this reader's when they are collected.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var mutator = new Mutator(target.Seed);
                for (int i = 0; i < target.Cases && !Stop; i++)
                {
                    var mutation = target.Generate(mutator);
                    Current = i;
                    CurrentDescription = mutation.Description;
                    RunCase(i, mutation);
                    Done++;
                }
            }
            catch (Exception ex)
            {
                Crash = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                Interlocked.Exchange(ref CaseStarted, 0);
            }
        }

        private void RunCase(int index, Mutation mutation)
        {
            long tensors = target.CountsTensors ? torch.Tensor.TotalCount : 0;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref CaseStarted, started);
            Exception? error = null;
            try
            {
                target.Read(mutation.Bytes);
            }
            catch (Exception ex)
            {
                error = ex;
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            Interlocked.Exchange(ref CaseStarted, 0);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (elapsed > SlowestCase) SlowestCase = elapsed;
            if (allocated > MostAllocated)
            {
                MostAllocated = allocated;
                MostAllocatedLength = mutation.Bytes.Length;
            }

            if (error is null) Accepted++;
            else if (!target.Expected.IsInstanceOfType(error))
                Fail($"{error.GetType().Name} (not {target.Expected.Name})", index, mutation, $"{error.Message}\n{error.StackTrace}");
            else if (!error.Message.Contains(target.FileName, StringComparison.Ordinal))
                Fail($"{error.GetType().Name} without the file name", index, mutation, error.Message);
            long bound = target.AllocationBound(mutation.Bytes.Length);
            if (allocated > bound)
                Fail("allocation beyond the file's size", index, mutation, $"{allocated:N0} bytes allocated for a {mutation.Bytes.Length:N0}-byte file (bound {bound:N0}); {error?.GetType().Name ?? "no exception"}: {error?.Message}");
            // Only an increase is this case's: the finalizer may free other tests' garbage meanwhile.
            if (target.CountsTensors && torch.Tensor.TotalCount > tensors)
                Fail("libtorch tensors leaked", index, mutation, $"{torch.Tensor.TotalCount - tensors} tensors left alive; {error?.GetType().Name ?? "no exception"}: {error?.Message}");
        }

        private void Fail(string kind, int index, Mutation mutation, string detail)
        {
            Failures[kind] = Failures.TryGetValue(kind, out var seen)
                ? seen with { Count = seen.Count + 1 }
                : (1, index, mutation.Description, detail);
        }
    }
}
