namespace Relay.Core.State;

/// <summary>
/// What the scheduler weighs for one candidate account (see <see cref="IHotState.GetLoad"/>).
/// </summary>
/// <param name="InFlight">Requests leased to the account right now.</param>
/// <param name="Use">
/// Its subscription use now (<see cref="SubscriptionUse.At"/>); null for an account that has never reported usage
/// windows (API keys, or a subscription before its first answer).
/// </param>
public readonly record struct AccountLoad(int InFlight, double? Use);
