namespace Relay.Storage.Tests;
