namespace Relay.Core.Storage;

/// <summary>A group or policy was written with a name another one of its kind already has (names are case-insensitive).</summary>
public sealed class DuplicateNameException : Exception
{
    public DuplicateNameException()
        : base("The name is already taken.")
    {
    }

    public DuplicateNameException(string message)
        : base(message)
    {
    }

    public DuplicateNameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
