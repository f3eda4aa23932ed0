namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// A Responses <c>custom</c> tool (free-form text input, e.g. Codex's <c>apply_patch</c>) as Claude sees it: a tool
/// whose input is an object with one string property. Claude cannot be held to the tool's grammar, so the grammar
/// is put into the description for the model to follow; the client validates the input as it always does.
/// </summary>
internal static class FreeformTool
{
    /// <summary>The single property of a free-form tool's input object.</summary>
    public const string InputProperty = "input";
}
