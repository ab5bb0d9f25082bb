namespace GpuLstm.Datasets;

/// <summary>
/// One e-mail of the SpamAssassin corpus: its subject and body (headers other than Subject are
/// dropped), and the corpus group that labels it.
/// </summary>
/// <param name="Group">Corpus group: easy-ham-1, easy-ham-2, hard-ham-1, spam-1 or spam-2.</param>
/// <param name="Id">Message number within the group, e.g. "00001".</param>
/// <param name="Subject">The unfolded Subject header, or "" when the message has none.</param>
/// <param name="Body">Everything after the header block, as sent (MIME parts and HTML are not decoded).</param>
public sealed record SpamMessage(string Group, string Id, string Subject, string Body)
{
    /// <summary>True for the spam-1 and spam-2 groups.</summary>
    public bool IsSpam => Group.StartsWith("spam", StringComparison.Ordinal);

    /// <summary>Subject, a line break, then the body: the text a classifier reads.</summary>
    public string Text => Subject + "\n" + Body;
}
