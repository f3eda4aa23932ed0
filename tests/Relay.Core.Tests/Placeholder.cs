namespace Relay.Core.Tests;
