using Relay.Server.Cli;

return await RelayCommandLine.RunAsync(args).ConfigureAwait(false);
