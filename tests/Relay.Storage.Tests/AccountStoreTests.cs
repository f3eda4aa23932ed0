using System.Security.Cryptography;
using System.Text;
using Dapper;
using Relay.Core.Security;

namespace Relay.Storage.Tests;

public sealed class AccountStoreTests
{
    [Fact]
    public async Task A_proxy_is_stored_encrypted_and_round_trips()
    {
        using var db = await TempDatabase.CreateAsync();
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(SecretProtector.KeySize));
        const string Url = "socks5://alice:pr0xy-Passw0rd@proxy.internal:1080";
        await db.Config.InsertAccountAsync(Records.Account("acc_px") with { ProxyCiphertext = protector.Protect(Url) });
        await db.Config.InsertAccountAsync(Records.Account("acc_direct"));

        var read = await db.Config.GetAccountAsync("acc_px");
        Assert.Equal(Url, protector.Unprotect(read!.ProxyCiphertext!));
        Assert.Null((await db.Config.GetAccountAsync("acc_direct"))!.ProxyCiphertext);

        // What is on disk: ciphertext only, neither the password nor any other part of the URL in clear.
        await using var connection = await db.Database.OpenAsync();
        var stored = await connection.ExecuteScalarAsync<byte[]>("SELECT proxy FROM accounts WHERE id = 'acc_px'");
        var asText = Encoding.UTF8.GetString(stored!);
        Assert.DoesNotContain("pr0xy-Passw0rd", asText, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy.internal", asText, StringComparison.Ordinal);
        Assert.Null(await connection.ExecuteScalarAsync<byte[]?>("SELECT proxy FROM accounts WHERE id = 'acc_direct'"));

        // Updating something else keeps it; clearing it clears it.
        await db.Config.UpdateAccountAsync(read with { Priority = 1 });
        Assert.NotNull((await db.Config.GetAccountAsync("acc_px"))!.ProxyCiphertext);
        await db.Config.UpdateAccountAsync(read with { ProxyCiphertext = null });
        Assert.Null((await db.Config.GetAccountAsync("acc_px"))!.ProxyCiphertext);
    }

    [Fact]
    public async Task Openai_shapes_and_azure_settings_round_trip()
    {
        using var db = await TempDatabase.CreateAsync();
        var azure = Records.Account("acc_az") with { Platform = "openai", BaseUrl = "https://x.openai.azure.com", Shapes = ["chat"], AzureApiVersion = "2024-10-21" };
        var plain = Records.Account("acc_plain");

        await db.Config.InsertAccountAsync(azure);
        await db.Config.InsertAccountAsync(plain);

        var read = await db.Config.GetAccountAsync("acc_az");
        Assert.Equal(["chat"], read!.Shapes);
        Assert.Equal("2024-10-21", read.AzureApiVersion);
        var other = await db.Config.GetAccountAsync("acc_plain");
        Assert.Empty(other!.Shapes);
        Assert.Null(other.AzureApiVersion);
        Assert.Equal(["messages"], other.ServedShapes);
    }

    [Fact]
    public async Task Insert_then_get_round_trips_every_field()
    {
        using var db = await TempDatabase.CreateAsync();
        var account = Records.Account();

        await db.Config.InsertAccountAsync(account);
        var read = await db.Config.GetAccountAsync(account.Id);

        Assert.NotNull(read);
        Assert.Equal(account.Id, read.Id);
        Assert.Equal(account.Name, read.Name);
        Assert.Equal(account.Platform, read.Platform);
        Assert.Equal(account.Type, read.Type);
        Assert.Equal(account.BaseUrl, read.BaseUrl);
        Assert.Equal(account.SecretCiphertext, read.SecretCiphertext);
        Assert.Equal(account.Priority, read.Priority);
        Assert.Equal(account.Weight, read.Weight);
        Assert.Equal(account.MaxConcurrency, read.MaxConcurrency);
        Assert.Equal(account.Models, read.Models);
        Assert.Equal(account.ModelMap.OrderBy(p => p.Key), read.ModelMap.OrderBy(p => p.Key));
        Assert.Equal(account.Enabled, read.Enabled);
        Assert.Equal(account.CreatedAt, read.CreatedAt);
        Assert.Equal(account.UpdatedAt, read.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
    }

    [Fact]
    public async Task Empty_models_and_map_round_trip_as_empty()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertAccountAsync(Records.Account() with { Models = [], ModelMap = new Dictionary<string, string>(), Enabled = false });

        var read = await db.Config.GetAccountAsync("acc_1");

        Assert.NotNull(read);
        Assert.Empty(read.Models);
        Assert.Empty(read.ModelMap);
        Assert.False(read.Enabled);
    }

    [Fact]
    public async Task Times_in_other_offsets_come_back_as_the_same_instant_in_utc()
    {
        using var db = await TempDatabase.CreateAsync();
        var local = new DateTimeOffset(2026, 3, 1, 14, 0, 0, 5, TimeSpan.FromHours(2));
        await db.Config.InsertAccountAsync(Records.Account() with { CreatedAt = local });

        var read = await db.Config.GetAccountAsync("acc_1");

        Assert.Equal(local, read!.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
    }

    [Fact]
    public async Task List_returns_accounts_in_creation_order()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertAccountAsync(Records.Account("acc_b") with { CreatedAt = Records.T0.AddSeconds(2) });
        await db.Config.InsertAccountAsync(Records.Account("acc_a") with { CreatedAt = Records.T0.AddSeconds(1) });

        var list = await db.Config.ListAccountsAsync();

        Assert.Equal(["acc_a", "acc_b"], list.Select(a => a.Id));
    }

    [Fact]
    public async Task Update_changes_fields_but_keeps_created_at()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertAccountAsync(Records.Account());
        var changed = Records.Account() with
        {
            Name = "Renamed",
            SecretCiphertext = [9, 9],
            Models = ["only-this"],
            ModelMap = new Dictionary<string, string> { ["a"] = "b" },
            Priority = 1,
            Enabled = false,
            CreatedAt = Records.T0.AddYears(1),
            UpdatedAt = Records.T0.AddHours(5),
        };

        Assert.True(await db.Config.UpdateAccountAsync(changed));
        var read = await db.Config.GetAccountAsync("acc_1");

        Assert.NotNull(read);
        Assert.Equal("Renamed", read.Name);
        Assert.Equal(new byte[] { 9, 9 }, read.SecretCiphertext);
        Assert.Equal(["only-this"], read.Models);
        Assert.Equal("b", read.ModelMap["a"]);
        Assert.Equal(1, read.Priority);
        Assert.False(read.Enabled);
        Assert.Equal(Records.T0, read.CreatedAt);
        Assert.Equal(Records.T0.AddHours(5), read.UpdatedAt);
    }

    [Fact]
    public async Task Update_and_delete_of_a_missing_account_return_false()
    {
        using var db = await TempDatabase.CreateAsync();

        Assert.False(await db.Config.UpdateAccountAsync(Records.Account("acc_missing")));
        Assert.False(await db.Config.DeleteAccountAsync("acc_missing"));
        Assert.Null(await db.Config.GetAccountAsync("acc_missing"));
    }

    [Fact]
    public async Task Delete_removes_the_account()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertAccountAsync(Records.Account());

        Assert.True(await db.Config.DeleteAccountAsync("acc_1"));

        Assert.Null(await db.Config.GetAccountAsync("acc_1"));
        Assert.Empty(await db.Config.ListAccountsAsync());
    }
}
