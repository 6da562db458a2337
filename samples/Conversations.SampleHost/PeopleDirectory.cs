using System.Text;
using System.Text.Json;

namespace Conversations.SampleHost;

/// <summary>A person or agent one can add to a room.</summary>
/// <param name="Id">The account id.</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="Kind"><c>user</c> or <c>agent</c>.</param>
public sealed record Person(string Id, string DisplayName, string Kind);

/// <summary>
/// Everyone who signed in to the sample, kept in a JSON file in the data folder so the people picker survives restarts.
/// The picker adds everyone in the caller's rooms (see <c>/demo/people</c>). Thread-safe. A sample's directory, not the
/// library's: a real host has its own user directory.
/// </summary>
public sealed class PeopleDirectory
{
    private readonly Dictionary<string, string> _people = new(StringComparer.Ordinal);
    private readonly string? _file;

    /// <summary>Initializes a new instance of the <see cref="PeopleDirectory"/> class, reading the file if it exists.</summary>
    /// <param name="file">Where the directory is kept; <see langword="null"/> for memory only.</param>
    public PeopleDirectory(string? file = null)
    {
        _file = file;
        if (file is not null && File.Exists(file))
        {
            try
            {
                _people = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? [];
            }
            catch (JsonException)
            {
                // A damaged file starts an empty directory; it is rewritten at the next sign-in.
            }
        }
    }

    /// <summary>Derives a stable account id from a display name: lower case letters and digits, dashes between words.</summary>
    public static string ToAccountId(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        return sb.ToString().Trim('-');
    }

    /// <summary>Remembers a person (and stores the directory when it changed).</summary>
    public void Add(string id, string displayName)
    {
        lock (_people)
        {
            if (_people.TryGetValue(id, out var known) && known == displayName)
            {
                return;
            }

            _people[id] = displayName;
            if (_file is not null)
            {
                var temp = _file + ".tmp";
                File.WriteAllText(temp, JsonSerializer.Serialize(_people));
                File.Move(temp, _file, overwrite: true);
            }
        }
    }

    /// <summary>The name a person signed in with, if known.</summary>
    public string? NameOf(string id)
    {
        lock (_people)
        {
            return _people.GetValueOrDefault(id);
        }
    }

    /// <summary>Everyone remembered, by name.</summary>
    public IReadOnlyList<Person> List()
    {
        lock (_people)
        {
            return _people.Select(p => new Person(p.Key, p.Value, "user")).OrderBy(p => p.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
        }
    }
}
