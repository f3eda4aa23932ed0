namespace Relay.Server.Cli;

/// <summary>The text of <c>relay help</c>.</summary>
internal static class HelpText
{
    public const string Text = """
        Relay: a self-hosted AI API relay.

        Usage:
          relay [--Relay:Setting=value ...]           run the server (see docs/configuration.md)
          relay <command> [options] [--data-dir DIR]  manage the data directory, then exit

        Accounts (upstream credentials):
          relay accounts add --name N --secret S [--base-url U] [--priority P] [--weight W]
                             [--max-concurrency C] [--models GLOB ...] [--model-map REQ=UP ...]
                             [--platform anthropic] [--type api-key] [--disabled]
          relay accounts list
          relay accounts get ID
          relay accounts update ID [same options; --enabled true|false; --secret replaces it]
          relay accounts delete ID
          relay accounts reset ID
          (--secret - reads the secret from stdin)

        Relay keys (what clients use):
          relay keys create --name N [--expires-at 2026-12-31T00:00:00Z] [--disabled]
          relay keys list
          relay keys get ID
          relay keys update ID [--name N] [--enabled true|false] [--expires-at T|never]
          relay keys delete ID
          relay keys rotate ID

        Usage and prices:
          relay usage [--from T] [--to T] [--group-by key|account|model|group|day]
                      [--key ID] [--account ID] [--model M] [--group ID]
          relay usage series [--bucket hour|day] [--from T] [--to T] [--tz Europe/Berlin]
                      [--by key|account|model|group] [--key ID] [--account ID] [--model M] [--group ID]
          relay prices list
          relay prices set MODEL --input X --output X --cache-write-5m X --cache-write-1h X --cache-read X

        Administration:
          relay admin rotate-token      print a new Control API admin token
          relay help                    this text

        Every command prints JSON (the same as the Control API) on stdout and errors on stderr.
        Exit codes: 0 success, 1 not found or failure, 2 invalid arguments or values.
        Settings come from appsettings.json beside the binary, RELAY_* variables, then
        --data-dir DIR / --Relay:Setting=value on the command line. A running server picks
        changes up within about a second.
        """;
}
