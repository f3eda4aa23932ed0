namespace Relay.Server.Tests;
