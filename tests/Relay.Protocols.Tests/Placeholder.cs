namespace Relay.Protocols.Tests;
