namespace Relay.Server.Control;

/// <summary>Either a value or a <see cref="ControlError"/>; lets services report expected failures without exceptions.</summary>
internal readonly record struct Outcome<T>
{
    private Outcome(T? value, ControlError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public ControlError? Error { get; }

    public static Outcome<T> Success(T value) => new(value, null);

    public static Outcome<T> Failure(ControlError error) => new(default, error);

    public static implicit operator Outcome<T>(T value) => Success(value);

    public static implicit operator Outcome<T>(ControlError error) => Failure(error);
}
