namespace Relay.Server.Cli;

/// <summary>How a <c>--flag</c> takes its value.</summary>
internal enum FlagKind
{
    /// <summary><c>--name N</c> or <c>--name=N</c>.</summary>
    Value,

    /// <summary><c>--disabled</c>: present or not.</summary>
    Switch,

    /// <summary><c>--enabled</c>, <c>--enabled true</c>, <c>--enabled=false</c>.</summary>
    OptionalBool,

    /// <summary><c>--models a b c</c>: every following word up to the next flag (possibly none).</summary>
    List,
}
