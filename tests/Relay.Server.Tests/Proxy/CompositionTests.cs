using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Server.Hosting;
using Relay.Server.Inference;

namespace Relay.Server.Tests.Proxy;

/// <summary>The app as <c>relay</c> builds it, without any help from the test fixture, can serve the request path.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task Server_as_shipped_resolves_the_inference_pipeline()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "relay-tests", Guid.NewGuid().ToString("N"));
        await using var app = await RelayApp.BuildAsync(
            [$"--Relay:Urls=http://127.0.0.1:0", $"--Relay:DataDir={dataDir}", "--Relay:AdminToken=ra_composition_test_token_0000000000"],
            builder => builder.Logging.ClearProviders());
        try
        {
            using var scope = app.Services.CreateScope();
            var error = Record.Exception(() => scope.ServiceProvider.GetRequiredService<InferenceProxy>());
            Assert.Null(error);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
