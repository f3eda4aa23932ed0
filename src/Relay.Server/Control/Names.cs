namespace Relay.Server.Control;

/// <summary>The rules every named noun shares (accounts, keys, groups, policies): 1–100 characters, trimmed.</summary>
internal static class Names
{
    public const int MaxLength = 100;
    public const int MaxDescriptionLength = 1000;

    public static ControlError? Validate(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return ControlError.Invalid("Field 'name' is required and must not be empty.");
        }

        return name.Length > MaxLength ? ControlError.Invalid($"Field 'name' must be at most {MaxLength} characters.") : null;
    }

    public static ControlError? ValidateDescription(string? description) =>
        description is { Length: > MaxDescriptionLength }
            ? ControlError.Invalid($"Field 'description' must be at most {MaxDescriptionLength} characters.")
            : null;

    /// <summary>An empty or blank description means none.</summary>
    public static string? Description(string? description) => string.IsNullOrWhiteSpace(description) ? null : description.Trim();
}
