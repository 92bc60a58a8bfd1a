using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gan.Keras.Tests.Fuzzing;

/// <summary>
/// Mutates a valid JSON document by its structure, deterministically for a random source: duplicated keys, deleted and
/// renamed members, values replaced by other kinds or by extremes (numbers past <c>long</c>, <c>1e309</c>, empty and
/// huge strings, dates whose offset leaves the calendar), deeply nested arrays and objects (up to 100,000 levels), and
/// values copied elsewhere. Its own tree keeps duplicate keys, which <see cref="JsonObject"/> cannot hold.
/// </summary>
public sealed class JsonMutator
{
    private static readonly string[] Extremes =
    {
        "0", "-1", "1.5", "-0", "1e309", "-1e309", "1e-400", "2147483647", "2147483648", "-2147483649", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "123456789012345678901234567890", "null", "true", "false", "\"\"", "\" \"", "\"x\"", "\"../evil\"", "\"a/b\"", "\".hidden\"",
        "\"\\u0000\"", "\"\\ud800\"", "\"0001-01-01T00:00:00+01:00\"", "\"9999-12-31T23:59:59-01:00\"", "\"not a date\"", "\"-1\"",
        "\"99999999999999999999\"", "[]", "{}", "[1,2,3]", "[-1]", "[0,0]", "[[]]", "[\"a\"]", "{\"a\":1}", "[null]",
    };

    private static readonly int[] Depths = { 63, 64, 65, 1000, 100_000 };

    private readonly Random random;
    private readonly string[] dictionary;

    /// <summary>Initializes a new instance of the <see cref="JsonMutator"/> class.</summary>
    /// <param name="random">The random source (a <see cref="Mutator"/>'s, so one seed drives a whole test).</param>
    /// <param name="dictionary">Strings that mean something to the reader (dtype names, format tags, file names); used as keys and values.</param>
    public JsonMutator(Random random, params string[] dictionary)
    {
        this.random = random;
        this.dictionary = dictionary;
    }

    /// <summary>Applies one to three structural mutations to <paramref name="json"/>, a valid document.</summary>
    public Mutation Mutate(string json)
    {
        var root = FromNode(JsonNode.Parse(json));
        int count = random.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 };
        var description = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            if (i > 0) description.Append("; ");
            root = MutateOnce(root, description);
        }
        var text = new StringBuilder();
        Write(root, text);
        return new Mutation(description.ToString(), Encoding.UTF8.GetBytes(text.ToString()));
    }

    private Piece MutateOnce(Piece root, StringBuilder description)
    {
        var slots = new List<Slot>();
        Collect(root, slots);
        var objects = slots.Select(s => s.Value).Prepend(root).OfType<ObjectPiece>().Where(o => o.Members.Count > 0).ToList();
        int kind = random.Next(100);
        if (kind < 15 && objects.Count > 0)
        {
            var target = objects[random.Next(objects.Count)];
            var member = target.Members[random.Next(target.Members.Count)];
            var value = random.Next(2) == 0 ? member.Value : RandomValue();
            target.Members.Insert(random.Next(target.Members.Count + 1), (member.Key, value));
            description.Append(CultureInfo.InvariantCulture, $"duplicate key '{member.Key}'");
            return root;
        }
        if (kind < 25 && objects.Count > 0)
        {
            var target = objects[random.Next(objects.Count)];
            int at = random.Next(target.Members.Count);
            description.Append(CultureInfo.InvariantCulture, $"delete key '{target.Members[at].Key}'");
            target.Members.RemoveAt(at);
            return root;
        }
        if (kind < 32 && objects.Count > 0)
        {
            var target = objects[random.Next(objects.Count)];
            int at = random.Next(target.Members.Count);
            string key = RandomKey(target);
            description.Append(CultureInfo.InvariantCulture, $"rename key '{target.Members[at].Key}' to '{key}'");
            target.Members[at] = (key, target.Members[at].Value);
            return root;
        }
        if (kind < 37 && objects.Count > 0)
        {
            var target = objects[random.Next(objects.Count)];
            string key = RandomKey(target);
            target.Members.Insert(random.Next(target.Members.Count + 1), (key, RandomValue()));
            description.Append(CultureInfo.InvariantCulture, $"add key '{key}'");
            return root;
        }
        if (kind < 47)
        {
            int depth = Depths[random.Next(Depths.Length)];
            bool arrays = random.Next(2) == 0;
            var nest = new NestPiece(RandomValue(), depth, arrays);
            description.Append(CultureInfo.InvariantCulture, $"nest {depth} {(arrays ? "arrays" : "objects")} deep ");
            return Replace(root, slots, nest, description);
        }
        if (kind < 57 && slots.Count > 1)
        {
            // A copy, so a value moved into its own descendant makes a deeper tree rather than a cycle.
            var moved = Clone(slots[random.Next(slots.Count)].Value);
            description.Append("copy a value ");
            return Replace(root, slots, moved, description);
        }
        if (kind < 70)
        {
            var numbers = slots.Where(s => s.Value is LiteralPiece { Text: [('-' or (>= '0' and <= '9')), ..] }).ToList();
            if (numbers.Count > 0)
            {
                string extreme = Extremes[random.Next(17)];
                var slot = numbers[random.Next(numbers.Count)];
                description.Append(CultureInfo.InvariantCulture, $"number {((LiteralPiece)slot.Value).Text} -> {extreme}");
                slot.Set(new LiteralPiece(extreme));
                return root;
            }
        }
        description.Append("replace a value ");
        return Replace(root, slots, RandomValue(), description);
    }

    private Piece Replace(Piece root, List<Slot> slots, Piece value, StringBuilder description)
    {
        if (slots.Count == 0 || random.Next(20) == 0)
        {
            description.Append("at the root");
            return value;
        }
        var slot = slots[random.Next(slots.Count)];
        description.Append(CultureInfo.InvariantCulture, $"at {slot.Where}");
        slot.Set(value);
        return root;
    }

    private LiteralPiece RandomValue()
    {
        int kind = random.Next(10);
        if (kind < 6) return new LiteralPiece(Extremes[random.Next(Extremes.Length)]);
        if (kind < 8 && dictionary.Length > 0) return new LiteralPiece(JsonSerializer.Serialize(dictionary[random.Next(dictionary.Length)]));
        if (kind < 9) return new LiteralPiece(JsonSerializer.Serialize(new string((char)random.Next('a', 'z' + 1), random.Next(1, 100_000))));
        return new LiteralPiece(random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture));
    }

    private string RandomKey(ObjectPiece target) => random.Next(3) switch
    {
        0 when dictionary.Length > 0 => dictionary[random.Next(dictionary.Length)],
        1 => target.Members[random.Next(target.Members.Count)].Key,
        _ => random.Next(4) switch { 0 => "", 1 => "__metadata__", 2 => "\u0000", _ => "k" + random.Next(100).ToString(CultureInfo.InvariantCulture) },
    };

    private static void Collect(Piece piece, List<Slot> slots, string where = "$")
    {
        switch (piece)
        {
            case ObjectPiece o:
                for (int i = 0; i < o.Members.Count; i++)
                {
                    int at = i;
                    string path = $"{where}.{o.Members[i].Key}";
                    slots.Add(new Slot(o.Members[i].Value, v => o.Members[at] = (o.Members[at].Key, v), path));
                    Collect(o.Members[i].Value, slots, path);
                }
                break;
            case ArrayPiece a:
                for (int i = 0; i < a.Items.Count; i++)
                {
                    int at = i;
                    string path = string.Create(CultureInfo.InvariantCulture, $"{where}[{i}]");
                    slots.Add(new Slot(a.Items[i], v => a.Items[at] = v, path));
                    Collect(a.Items[i], slots, path);
                }
                break;
        }
    }

    private static Piece Clone(Piece piece) => piece switch
    {
        ObjectPiece o => new ObjectPiece(o.Members.Select(m => (m.Key, Clone(m.Value))).ToList()),
        ArrayPiece a => new ArrayPiece(a.Items.Select(Clone).ToList()),
        _ => piece,
    };

    private static Piece FromNode(JsonNode? node) => node switch
    {
        JsonObject o => new ObjectPiece(o.Select(kv => (kv.Key, FromNode(kv.Value))).ToList()),
        JsonArray a => new ArrayPiece(a.Select(FromNode).ToList()),
        null => new LiteralPiece("null"),
        _ => new LiteralPiece(node.ToJsonString()),
    };

    private static void Write(Piece piece, StringBuilder text)
    {
        switch (piece)
        {
            case LiteralPiece l:
                text.Append(l.Text);
                break;
            case ObjectPiece o:
                text.Append('{');
                for (int i = 0; i < o.Members.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    text.Append(JsonSerializer.Serialize(o.Members[i].Key)).Append(':');
                    Write(o.Members[i].Value, text);
                }
                text.Append('}');
                break;
            case ArrayPiece a:
                text.Append('[');
                for (int i = 0; i < a.Items.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    Write(a.Items[i], text);
                }
                text.Append(']');
                break;
            case NestPiece n:
                // Written without recursion, so 100,000 levels cost the mutator nothing.
                text.Insert(text.Length, n.Arrays ? "[" : "{\"a\":", n.Depth);
                Write(n.Inner, text);
                text.Append(n.Arrays ? ']' : '}', n.Depth);
                break;
        }
    }

    private abstract record Piece;

    private sealed record LiteralPiece(string Text) : Piece;

    private sealed record ObjectPiece(List<(string Key, Piece Value)> Members) : Piece;

    private sealed record ArrayPiece(List<Piece> Items) : Piece;

    private sealed record NestPiece(Piece Inner, int Depth, bool Arrays) : Piece;

    private sealed record Slot(Piece Value, Action<Piece> Set, string Where);
}
