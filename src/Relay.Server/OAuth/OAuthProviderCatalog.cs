namespace Relay.Server.OAuth;

/// <summary>
/// The sign-in providers Relay knows out of the box, as data: endpoints, client ids, scopes and the request headers
/// their upstream needs, taken from the providers' own CLIs (see docs/design/subscription-accounts-research.md for the
/// sources). Any field can be replaced under <c>Relay:OAuthProviders:{id}</c> (tests point every endpoint at a fake;
/// an operator can follow a provider's move without waiting for a release).
/// <para>
/// Nothing here makes Relay look like another client: requests carry the client's own headers plus only what the
/// provider requires for the credential (the OAuth beta flag, the account id) and Relay's own <c>originator</c>.
/// </para>
/// </summary>
internal static class OAuthProviderCatalog
{
    public const string Claude = "claude";
    public const string ChatGpt = "chatgpt";

    public static IReadOnlyDictionary<string, OAuthProviderOptions> BuiltIn { get; } = new Dictionary<string, OAuthProviderOptions>(StringComparer.OrdinalIgnoreCase)
    {
        [Claude] = new()
        {
            DisplayName = "Claude subscription (Pro/Max sign-in)",
            Platform = "anthropic",
            BaseUrl = "https://api.anthropic.com",
            TokenUrl = "https://platform.claude.com/v1/oauth/token",
            TokenFormat = "json",
            ClientId = "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
            AuthorizeUrl = "https://claude.ai/oauth/authorize",

            // The provider's own page shows "code#state" for the operator to copy: no local server is needed.
            RedirectUri = "https://platform.claude.com/oauth/code/callback",
            SignInScopes = "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload",
            AuthorizeParameters = new() { ["code"] = "true" },
            SetupTokenScopes = "user:inference",
            SetupTokenLifetimeSeconds = 365 * 24 * 3600,

            // Bearer tokens from a Claude sign-in are refused without this flag.
            AnthropicBetas = "oauth-2025-04-20",
            RefreshSkewSeconds = 300,
            Terms = "Anthropic's terms limit Claude subscription (Free/Pro/Max) sign-ins to ordinary use of Claude Code and " +
                "Anthropic's own apps by the subscriber; they do not permit routing other people's requests through them. " +
                "The operator is responsible for complying: prefer Anthropic API keys for a team. Relay does not alter " +
                "requests to look like Claude Code.",
        },
        [ChatGpt] = new()
        {
            DisplayName = "ChatGPT subscription (Codex sign-in)",
            Platform = "openai",
            BaseUrl = "https://chatgpt.com/backend-api/codex",
            Shapes = "responses",
            TokenUrl = "https://auth.openai.com/oauth/token",
            TokenFormat = "form",
            ClientId = "app_EMoamEEZ73f0CkXaXp7hrann",
            AuthorizeUrl = "https://auth.openai.com/oauth/authorize",

            // Codex's registered loopback redirect: on a remote Relay the page fails to load, and the operator pastes
            // the address bar's URL back.
            RedirectUri = "http://localhost:1455/auth/callback",
            SignInScopes = "openid profile email offline_access",
            AuthorizeParameters = new() { ["id_token_add_organizations"] = "true", ["codex_cli_simplified_flow"] = "true" },
            DeviceCodeUrl = "https://auth.openai.com/api/accounts/deviceauth/usercode",
            DeviceTokenUrl = "https://auth.openai.com/api/accounts/deviceauth/token",
            DeviceVerificationUrl = "https://auth.openai.com/codex/device",
            DeviceRedirectUri = "https://auth.openai.com/deviceauth/callback",
            AccountIdHeader = "chatgpt-account-id",
            RequestHeaders = new() { ["originator"] = "relay" },

            // What the Codex backend accepts (research §2.6): streamed, unstored requests with instructions and an
            // input list; it answers 400 "Unsupported parameter" to the dropped fields (peers strip the same ones).
            // service_tier stays: Codex itself sends it. These make a request acceptable, never Codex-like: no
            // prompt, originator or user agent of Codex's is added.
            ResponsesStreamOnly = true,
            ResponsesForceUnstored = true,
            ResponsesRequireInstructions = true,
            ResponsesInputAsList = true,
            ResponsesDropFields = "max_output_tokens,temperature,top_p,truncation,prompt_cache_retention,safety_identifier",
            RefreshSkewSeconds = 300,
            Terms = "Usage draws from the signed-in ChatGPT plan under OpenAI's terms, which govern sharing a plan with " +
                "other people. The operator is responsible for complying. Relay sends its own identity (originator: relay), " +
                "never Codex's.",
        },
    };
}
