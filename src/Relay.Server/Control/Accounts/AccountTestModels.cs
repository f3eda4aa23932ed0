namespace Relay.Server.Control.Accounts;

/// <summary>The optional body of <c>POST /api/accounts/{id}/test</c>.</summary>
internal sealed record AccountTestInput
{
    /// <summary>The model to ask; absent = the account's default test model (see <see cref="AccountTester.DefaultModel"/>).</summary>
    public string? Model { get; init; }
}

/// <summary>
/// The answer of an account test. <see cref="Ok"/> with the first characters of the reply, or not ok with the
/// upstream's error message (or Relay's description when the upstream never answered; <see cref="Status"/> is then 0).
/// </summary>
internal sealed record AccountTestResult(bool Ok, int Status, int LatencyMs, string Model)
{
    public string? Reply { get; init; }
    public string? Error { get; init; }
}
