using Relay.Core.Security;

namespace Relay.Core.Tests.Security;

public sealed class Base62Tests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)]
    [InlineData(16, 22)]
    [InlineData(32, 43)]
    [InlineData(64, 86)]
    public void Encoded_length_is_the_fewest_characters_that_hold_any_value(int bytes, int chars)
    {
        Assert.Equal(chars, Base62.EncodedLength(bytes));
    }

    [Fact]
    public void Encodes_big_endian_and_pads_with_zeros()
    {
        Assert.Equal("0000", Encode([0, 0], 4));
        Assert.Equal("0001", Encode([1], 4));
        Assert.Equal("0010", Encode([62], 4));
        Assert.Equal("0048", Encode([1, 0], 4)); // 256 = 4 * 62 + 8
    }

    [Fact]
    public void The_largest_32_byte_value_fits_in_43_characters()
    {
        var max = Enumerable.Repeat((byte)0xFF, 32).ToArray();

        var text = Encode(max, 43);

        Assert.NotEqual('0', text[0]);
        Assert.Throws<ArgumentException>(() => Encode(max, 42));
    }

    [Fact]
    public void Round_trips_through_a_big_integer()
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var text = Encode(bytes, 43);

        var value = System.Numerics.BigInteger.Zero;
        foreach (var c in text)
        {
            value = value * 62 + Base62.Alphabet.IndexOf(c, StringComparison.Ordinal);
        }

        Assert.Equal(new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true), value);
    }

    private static string Encode(byte[] bytes, int length)
    {
        var chars = new char[length];
        Base62.Encode(bytes, chars);
        return new string(chars);
    }
}
