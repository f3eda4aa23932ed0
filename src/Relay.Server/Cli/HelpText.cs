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
                             [--platform anthropic|openai] [--type api-key] [--disabled]
                             [--shapes chat,responses] [--azure-api-version V|none]
                             [--groups ID,ID ...] [--shared true|false] [--limit RULE ...]
                             [--proxy http|https|socks5|socks5h://[USER:PASS@]HOST:PORT]
          relay accounts add --name N --type oauth --provider ID --access-token T [--refresh-token R]
                             [--expires-in SECONDS] [same options as above, without --secret]
          relay accounts list
          relay accounts get ID
          relay accounts update ID [same options; --enabled true|false; --secret replaces it; --proxy "" removes it]
          relay accounts delete ID
          relay accounts reset ID
          (--secret -, --access-token -, --refresh-token - read the value from stdin, one line each)
          relay accounts signin PROVIDER --name N [--setup-token | --device] [--proxy URL] [--base-url U]
                             [--priority P] [--weight W] [--max-concurrency C] [--models GLOB ...]
                             [--model-map REQ=UP ...] [--groups ID,ID ...] [--shared true|false]
                             [--limit RULE ...] [--disabled]
          relay accounts signin PROVIDER --account ID [--setup-token | --device]   sign an account in again
                             (browser: prints a URL, reads the pasted code from stdin; device: prints a
                             URL and a user code, waits for approval; providers: claude, chatgpt, or configured)
          relay accounts import PROVIDER --file PATH|- (--name N [same options as signin] | --account ID)
                             (a Claude Code .credentials.json, a Claude sk-ant-oat… token, a Codex auth.json)

        Relay keys (what clients use):
          relay keys create --name N [--expires-at 2026-12-31T00:00:00Z] [--expires-after-first-use 30d]
                            [--policy-id ID | POLICY FLAGS] [--limit RULE ...] [--disabled]
          relay keys list
          relay keys get ID
          relay keys update ID [--name N] [--enabled true|false] [--expires-at T|never]
                            [--expires-after-first-use D|never] [--policy-id ID|none]
                            [POLICY FLAGS | --clear-policy] [--limit RULE ...]
          relay keys delete ID
          relay keys rotate ID

        Groups (named pools of accounts) and shared policies:
          relay groups list | show ID | delete ID
          relay groups create --name N [--description D] [--accounts ID,ID ...]
          relay groups update ID [--name N] [--description D|none] [--accounts ID ...]
          relay policies list | show ID | delete ID
          relay policies create --name N [--description D] [POLICY FLAGS] [--limit RULE ...]
          relay policies update ID [same options; policy flags refine the stored policy]

          POLICY FLAGS: --platforms anthropic,… --allow-models 'claude-*' … --deny-models GLOB …
                        --clients claude-code,… --group ID|none --account ID|none
                        --fallback-to-pool [true|false]   (a bare list flag clears that list)
          RULE (--limit, repeatable; a bare --limit clears the limits):
                        requests|tokens|cost:WINDOW:MAX  e.g. cost:1d:5, requests:60s:100
                        concurrency:MAX[:queue=SIZE/TIMEOUT]  e.g. concurrency:3:queue=10/10s
                        (accounts take no queue)

        Live settings (calendar of limit windows, client families, failover and timeouts):
          relay settings show
          relay settings set [--time-zone Europe/Berlin] [--week-starts-on monday]
                             [--day-reset-hour 0..23] [--client-pattern FAMILY=UA-GLOB ...]
                             [--sticky-ttl-seconds N] [--max-attempts N]
                             [--stream-first-byte-timeout-seconds N] [--first-byte-timeout-seconds N]
                             [--stream-idle-timeout-seconds N]   (N or 'default' = the process setting)
                             [--log-content true|false] [--content-retention-days 1..365]
                             [--content-max-bytes 1024..4194304]   (content logging stores prompts and answers)

        Usage and prices:
          relay usage [--from T] [--to T] [--group-by key|account|model|group|day]
                      [--key ID] [--account ID] [--model M] [--group ID]
          relay usage series [--bucket hour|day] [--from T] [--to T] [--tz Europe/Berlin]
                      [--by key|account|model|group] [--key ID] [--account ID] [--model M] [--group ID]
          relay prices list
          relay prices set MODEL --input X --output X --cache-write-5m X --cache-write-1h X --cache-read X
          relay prices unset MODEL          remove an override (the shipped price applies again)

        Administration:
          relay admin rotate-token      print a new Control API admin token
          relay admin users list | remove NAME
          relay admin users add NAME [--password P|-]           (no --password: one is generated and shown once)
          relay admin users set-password NAME [--password P|-]  (signs that user out everywhere)
          relay help                    this text

        Every command prints JSON (the same as the Control API) on stdout and errors on stderr.
        Exit codes: 0 success, 1 not found, conflict or failure, 2 invalid arguments or values.
        Settings come from appsettings.json beside the binary, RELAY_* variables, then
        --data-dir DIR / --Relay:Setting=value on the command line. A running server picks
        changes up within about a second.
        """;
}
