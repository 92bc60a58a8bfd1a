using Gan.Keras.Optimizers;
using Gan.Keras.Training.Distributed;
using Gan.Keras.Tests.Training.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Adam = Gan.Keras.Optimizers.Adam;

namespace Gan.Keras.Tests.Optimizers;

public class OptimizerTests
{
    [Fact]
    public void ApplyGradients_UpdatesWithTheAveragedFlatBuffer_WhenAGradientAveragerIsSet()
    {
        // Given SGD on two variables, and an averager over two "ranks" whose other rank's flat gradients are [3, 5, 7]
        using var other = torch.tensor(new float[] { 3, 5, 7 });
        using var communicator = new OtherRankCommunicator(other);
        var sgd = new Gan.Keras.Optimizers.SGD(1.0) { GradientAverager = new GradientAverager(communicator) };
        using var a = new Parameter(torch.zeros(1), requires_grad: true);
        using var b = new Parameter(torch.zeros(2), requires_grad: true);

        // When this rank applies gradients [1] and [1, 1]
        sgd.ApplyGradients(new[] { torch.ones(1), torch.ones(2) }, new[] { a, b });

        // Then the step used the mean [2, 3, 4] of both ranks' buffers, reduced once
        Assert.Equal(new float[] { -2 }, a.data<float>().ToArray());
        Assert.Equal(new float[] { -3, -4 }, b.data<float>().ToArray());
        Assert.Equal(1, sgd.GradientAverager.Reductions);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void LearningRate_RefusesZeroNegativeAndNonFiniteValues(double learningRate)
    {
        var sgd = new Gan.Keras.Optimizers.SGD(0.5);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate));
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = learningRate);
        Assert.Equal(0.5, sgd.LearningRate);
    }

    [Fact]
    public void ApplyGradients_RefusesNullsAndAGradientOfAnotherSize_NamingThem()
    {
        // Given SGD on a variable of 3 values
        var sgd = new Gan.Keras.Optimizers.SGD(1.0);
        using var variable = new Parameter(torch.zeros(3), requires_grad: true);

        // When it is given nulls, or a gradient of 2 values
        var nullGradients = Assert.Throws<ArgumentNullException>(() => sgd.ApplyGradients(null!, new[] { variable }));
        var nullVariables = Assert.Throws<ArgumentNullException>(() => sgd.ApplyGradients(new[] { torch.zeros(3) }, null!));
        var wrongSize = Assert.Throws<ArgumentException>(() => sgd.ApplyGradients(new[] { torch.ones(2) }, new[] { variable }));

        // Then each names what is wrong, and nothing was updated or counted
        Assert.Equal("gradients", nullGradients.ParamName);
        Assert.Equal("variables", nullVariables.ParamName);
        Assert.Equal("Gradient 0 has shape [2] but its variable has [3].", wrongSize.Message.Split(" (Parameter")[0]);
        Assert.Equal(0, sgd.Iterations);
        Assert.Equal(new float[] { 0, 0, 0 }, variable.data<float>().ToArray());
    }

    [Fact]
    public void ApplyGradients_DoesNothing_ForNoVariables()
    {
        var adam = new Adam();

        adam.ApplyGradients(Array.Empty<torch.Tensor>(), Array.Empty<Parameter>());

        Assert.Equal(0, adam.Iterations);
        Assert.Equal(new[] { "iterations" }, adam.GetState().Keys);
    }

    [Fact]
    public void ApplyGradients_RefusesVariablesOfMixedDtypes_AndAnotherListOfVariables()
    {
        // Given Adam with a float32 and a float64 variable, and Adam that has updated two variables
        var mixed = new Adam();
        using var single = new Parameter(torch.zeros(2), requires_grad: true);
        using var @double = new Parameter(torch.zeros(2, torch.float64), requires_grad: true);
        var adam = new Adam();
        using var a = new Parameter(torch.zeros(2), requires_grad: true);
        using var b = new Parameter(torch.zeros(3), requires_grad: true);
        adam.ApplyGradients(new[] { torch.ones(2), torch.ones(3) }, new[] { a, b });

        // When the first updates, and the second is given one other variable
        var dtypes = Assert.Throws<ArgumentException>(() => mixed.ApplyGradients(new[] { torch.ones(2), torch.ones(2, torch.float64) }, new[] { single, @double }));
        using var other = new Parameter(torch.zeros(5), requires_grad: true);
        var list = Assert.Throws<ArgumentException>(() => adam.ApplyGradients(new[] { torch.ones(5) }, new[] { other }));

        // Then each says what differs and what to do
        Assert.Contains("variable 0 is Float32 on cpu and variable 1 is Float64 on cpu", dtypes.Message, StringComparison.Ordinal);
        Assert.Contains("This optimizer updates 2 variables (5 values), but received 1 (5 values)", list.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetState_RefusesStateWithoutIterations_OfAnotherDtype_OrWithAMissingOrMisshapenSlot()
    {
        // Given the state of Adam after one update of a [2] and a [3] variable
        var source = new Adam();
        using var a = new Parameter(torch.zeros(2), requires_grad: true);
        using var b = new Parameter(torch.zeros(3), requires_grad: true);
        source.ApplyGradients(new[] { torch.ones(2), torch.ones(3) }, new[] { a, b });
        var state = source.GetState();

        // When another Adam restores it without iterations, with iterations as float, without 1.m, or for swapped variables
        string Refusal(IReadOnlyDictionary<string, torch.Tensor> s, params Parameter[] variables) =>
            Assert.Throws<ArgumentException>(() => new Adam().SetState(s, variables)).Message.Split(" (Parameter")[0];

        // Then each is refused, saying why
        Assert.Equal("Optimizer state has no 'iterations' entry.", Refusal(Without(state, "iterations"), a, b));
        Assert.Equal("Optimizer state 'iterations' must be one int64, but is Float32 of shape [].", Refusal(With(state, "iterations", torch.tensor(1f)), a, b));
        Assert.Equal("Optimizer state lacks '1.m' for variable 1.", Refusal(Without(state, "1.m"), a, b));
        Assert.Equal("Optimizer state '0.m' has shape [2] but variable 0 has [3].", Refusal(state, b, a));
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => new Adam().SetState(Without(state, "iterations"), new[] { a, b })).ParamName);
    }

    [Fact]
    public void SetState_AcceptsMissingSlots_WhenNoUpdateWasMade_AndKeepsIterations()
    {
        // Given a state of 0 iterations without slots, and one of 7 iterations with its slots
        using var a = new Parameter(torch.zeros(2), requires_grad: true);
        var fresh = new Dictionary<string, torch.Tensor> { ["iterations"] = torch.tensor(0L) };
        var adam = new Adam();
        adam.ApplyGradients(new[] { torch.ones(2) }, new[] { a });
        var saved = new Dictionary<string, torch.Tensor>(adam.GetState()) { ["iterations"] = torch.tensor(7L) };

        // When each is restored
        var restoredFresh = new Adam();
        restoredFresh.SetState(fresh, new[] { a });
        var restored = new Adam();
        restored.SetState(saved, new[] { a });

        // Then the counts are taken over and the slots copied
        Assert.Equal(0, restoredFresh.Iterations);
        Assert.Equal(7, restored.Iterations);
        Assert.Equal(adam.GetState()["0.v"].data<float>().ToArray(), restored.GetState()["0.v"].data<float>().ToArray());
        Assert.Throws<ArgumentNullException>(() => restored.SetState(null!, new[] { a }));
        Assert.Throws<ArgumentNullException>(() => restored.SetState(saved, null!));
    }

    [Fact]
    public void MoveState_ConvertsTheSlots_ToTheVariablesNewDtype()
    {
        // Given Adam after one update of a float32 variable, which then becomes float64
        var adam = new Adam();
        using var single = new Parameter(torch.zeros(2), requires_grad: true);
        adam.ApplyGradients(new[] { torch.ones(2) }, new[] { single });
        using var @double = new Parameter(torch.zeros(2, torch.float64), requires_grad: true);

        // When the state is moved to the new variable
        adam.MoveState(new[] { @double });

        // Then its slots are float64 with the same values
        Assert.Equal(torch.float64, adam.GetState()["0.m"].dtype);
        Assert.Equal(0.1, adam.GetState()["0.m"][0].item<double>(), 6);
        Assert.Throws<ArgumentNullException>(() => adam.MoveState(null!));
    }

    [Fact]
    public void SetState_NamesBothShapesInFull_AndTheShapeOfABadIterationCount()
    {
        // Given the state of Adam after one update of a [2, 3] and a [3, 2] variable
        var source = new Adam();
        using var a = new Parameter(torch.zeros(2, 3), requires_grad: true);
        using var b = new Parameter(torch.zeros(3, 2), requires_grad: true);
        source.ApplyGradients(new[] { torch.ones(2, 3), torch.ones(3, 2) }, new[] { a, b });
        var state = source.GetState();

        // When it is restored for the variables swapped, and with two iteration counts
        string swapped = Assert.Throws<ArgumentException>(() => new Adam().SetState(state, new[] { b, a })).Message;
        string counts = Assert.Throws<ArgumentException>(() => new Adam().SetState(With(state, "iterations", torch.zeros(new long[] { 1, 2 }, torch.int64)), new[] { a, b })).Message;

        // Then the messages spell out every dimension
        Assert.StartsWith("Optimizer state '0.m' has shape [2, 3] but variable 0 has [3, 2].", swapped, StringComparison.Ordinal);
        Assert.StartsWith("Optimizer state 'iterations' must be one int64, but is Int64 of shape [1, 2].", counts, StringComparison.Ordinal);
    }

    [Fact]
    public void SetState_WithNoVariables_RestoresTheCount()
    {
        var adam = new Adam();

        adam.SetState(new Dictionary<string, torch.Tensor> { ["iterations"] = torch.tensor(3L) }, Array.Empty<Parameter>());

        Assert.Equal(3, adam.Iterations);
    }

    [Fact]
    public void MoveState_CreatesNoState_BeforeTheFirstUpdate_AndIgnoresNoVariables()
    {
        // Given a fresh Adam, and one that has updated a variable
        var fresh = new Adam();
        var used = new Adam();
        using var a = new Parameter(torch.zeros(2), requires_grad: true);
        used.ApplyGradients(new[] { torch.ones(2) }, new[] { a });

        // When each is asked to move its state, to a variable and to no variables
        fresh.MoveState(new[] { a });
        used.MoveState(Array.Empty<Parameter>());

        // Then the fresh one still has only its count, and the other kept its slots
        Assert.Equal(new[] { "iterations" }, fresh.GetState().Keys);
        Assert.Equal(new[] { "iterations", "0.m", "0.v" }, used.GetState().Keys);
    }

    [Fact]
    public void ApplyGradients_RefusesAsManyVariablesOfOtherSizes()
    {
        // Given Adam that has updated a [2] and a [3] variable
        var adam = new Adam();
        using var a = new Parameter(torch.zeros(2), requires_grad: true);
        using var b = new Parameter(torch.zeros(3), requires_grad: true);
        adam.ApplyGradients(new[] { torch.ones(2), torch.ones(3) }, new[] { a, b });
        using var c = new Parameter(torch.zeros(3), requires_grad: true);
        using var d = new Parameter(torch.zeros(2), requires_grad: true);

        // When it is given a [3] and a [2] variable: as many, as many values, other sizes
        var error = Assert.Throws<ArgumentException>(() => adam.ApplyGradients(new[] { torch.ones(3), torch.ones(2) }, new[] { c, d }));

        // Then it refuses them
        Assert.Contains("This optimizer updates 2 variables (5 values), but received 2 (5 values)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyGradients_CarriesTheState_ToNewVariablesOfTheSameDtype()
    {
        // Given Adam after two updates of a variable, and the same values in a new variable (as a module that replaced its parameters)
        var adam = new Adam(0.1);
        var reference = new Adam(0.1);
        using var first = new Parameter(torch.tensor(new float[] { 1, 2 }), requires_grad: true);
        using var same = new Parameter(torch.tensor(new float[] { 1, 2 }), requires_grad: true);
        foreach (var g in new[] { 0.5f, -0.25f })
        {
            adam.ApplyGradients(new[] { torch.full(2, g) }, new[] { first });
            reference.ApplyGradients(new[] { torch.full(2, g) }, new[] { same });
        }
        using var replaced = new Parameter(first.detach().clone(), requires_grad: true);

        // When the third update goes to the new variable
        adam.ApplyGradients(new[] { torch.full(2, 0.75f) }, new[] { replaced });
        reference.ApplyGradients(new[] { torch.full(2, 0.75f) }, new[] { same });

        // Then it continues as if nothing had been replaced
        Assert.Equal(same.data<float>().ToArray(), replaced.data<float>().ToArray());
        Assert.Equal(3, adam.Iterations);
    }

    private static Dictionary<string, torch.Tensor> Without(IReadOnlyDictionary<string, torch.Tensor> state, string key) =>
        state.Where(kv => kv.Key != key).ToDictionary(kv => kv.Key, kv => kv.Value);

    private static Dictionary<string, torch.Tensor> With(IReadOnlyDictionary<string, torch.Tensor> state, string key, torch.Tensor value) =>
        new(state) { [key] = value };
}
