using Relay.Server.Control;

namespace Relay.Server.Cli;

/// <summary>
/// Where a verb writes: results as JSON (the Control API's exact serialization) on stdout, errors
/// in the API's error envelope and notes on stderr. Writers are passed in so tests can run verbs
/// in parallel without sharing <see cref="Console"/>.
/// </summary>
internal sealed class CliConsole(TextReader input, TextWriter output, TextWriter error)
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public TextReader Input { get; } = input;
    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;

    public int Write<T>(Outcome<T> outcome) => outcome.Error is { } failure ? Fail(failure) : Json(outcome.Value);

    public int Json<T>(T value)
    {
        Output.WriteLine(ControlJson.Serialize(value));
        return Success;
    }

    public int Fail(ControlError error)
    {
        Error.WriteLine(ControlJson.Serialize(new ErrorEnvelope(error)));
        // 2 means "what you typed is wrong"; a missing id, a conflict with stored state or an unreachable provider is not.
        return error.Type is ControlError.NotFoundType or ControlError.ConflictType or ControlError.UpstreamUnavailableType ? Failure : UsageError;
    }

    public void Note(string message) => Error.WriteLine(message);
}
