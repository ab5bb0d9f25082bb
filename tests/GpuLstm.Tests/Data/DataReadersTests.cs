using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuLstm.Datasets;
using GpuLstm.Tests.IO;

namespace GpuLstm.Tests.Data;

/// <summary>The readers of the downloaded data sets, on tiny files written here in each package's real format.</summary>
public sealed class DataReadersTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void MnistReadsEveryDigitFileAndInterleavesTheClasses()
    {
        // Digit d gets d % 3 + 1 images; every pixel of image k of digit d is (10d + k) / 100.
        for (int d = 0; d < 10; d++)
        {
            var values = new List<string>();
            for (int k = 0; k <= d % 3; k++)
                values.AddRange(Enumerable.Repeat(((10 * d + k) / 100.0).ToString(CultureInfo.InvariantCulture), 784));
            File.WriteAllText(_temp.File($"{d}.json"), "{ \"data\": [" + string.Join(",", values) + "]}");
        }

        var digits = MnistDigits.Load(_temp.Path);

        int[] perClass = Enumerable.Range(0, 10).Select(d => d % 3 + 1).ToArray();
        Assert.Equal(perClass.Sum(), digits.Count);
        Assert.Equal(digits.Count * 28 * 28, digits.Images.Length);
        Assert.Equal(perClass, digits.CountPerClass());
        // Position 0 of every class first (labels 0..9), then position 1 of classes that have 3, ...
        Assert.Equal(Enumerable.Range(0, 10).ToArray(), digits.Labels[..10]);
        var seen = new int[10];
        for (int i = 0; i < digits.Count; i++)
        {
            int label = digits.Labels[i];
            float expected = (float)((10 * label + seen[label]++) / 100.0);
            Assert.All(digits.Image(i).ToArray(), p => Assert.Equal(expected, p));
        }

        var (train, test) = digits.Split(4);
        Assert.Equal(digits.Count - 4, train.Count);
        Assert.Equal(digits.Labels[^4..], test.Labels);
        Assert.Equal(digits.Images[^(4 * 784)..], test.Images);
    }

    [Fact]
    public void MnistInterleaveSortsByPositionWithinClassThenLabel()
    {
        Assert.Equal([(0, 0), (1, 0), (0, 1)], MnistDigits.Interleave([2, 1]));
        Assert.Equal([(0, 0), (1, 0), (1, 1), (0, 1), (1, 2), (1, 3)], MnistDigits.Interleave([2, 4]));
    }

    [Fact]
    public void MnistRejectsAPartialImageAndOutOfRangePixels()
    {
        for (int d = 0; d < 10; d++)
            File.WriteAllText(_temp.File($"{d}.json"), "{\"data\":[" + string.Join(",", Enumerable.Repeat("0", 784)) + "]}");
        File.WriteAllText(_temp.File("3.json"), "{\"data\":[" + string.Join(",", Enumerable.Repeat("0", 785)) + "]}");
        var e = Assert.Throws<InvalidDataException>(() => MnistDigits.Load(_temp.Path));
        Assert.Contains("3.json: 785 values is not a whole number of 784-pixel images", e.Message);

        File.WriteAllText(_temp.File("3.json"), "{\"data\":[1.5" + string.Concat(Enumerable.Repeat(",0", 783)) + "]}");
        e = Assert.Throws<InvalidDataException>(() => MnistDigits.Load(_temp.Path));
        Assert.Contains("value 0 ('1.5') is not a number in [0,1]", e.Message);

        File.WriteAllText(_temp.File("3.json"), "{\"data\":[0,0,");
        e = Assert.Throws<InvalidDataException>(() => MnistDigits.Load(_temp.Path));
        Assert.Contains("3.json: not valid JSON", e.Message);
    }

    [Fact]
    public void SpamAssassinLabelsByGroupAndKeepsSubjectAndBody()
    {
        foreach (string group in SpamAssassin.Groups)
        {
            Directory.CreateDirectory(_temp.File(group));
            foreach (string id in new[] { "00002", "00001" })
            {
                string raw = $"From: x@example.com\nSubject: {group} {id}\nTo: y@example.com\n\nHello from {group}.\n\nBye\n";
                var json = JsonSerializer.Serialize(new { id, group, checksum = new { type = "MD5", value = "0" }, text = raw });
                File.WriteAllText(_temp.File($"{group}/{id}.0123abcd.json"), json);
            }
        }

        var messages = SpamAssassin.Load(_temp.Path);

        Assert.Equal(10, messages.Count);
        Assert.Equal(4, messages.Count(m => m.IsSpam));
        Assert.Equal(("easy-ham-1", "00001"), (messages[0].Group, messages[0].Id));
        Assert.Equal(("spam-2", "00002"), (messages[^1].Group, messages[^1].Id));
        Assert.False(messages[0].IsSpam);
        Assert.True(messages[^1].IsSpam);
        Assert.Equal("easy-ham-1 00001", messages[0].Subject);
        Assert.Equal("Hello from easy-ham-1.\n\nBye\n", messages[0].Body);
        Assert.Equal("easy-ham-1 00001\nHello from easy-ham-1.\n\nBye\n", messages[0].Text);
    }

    [Fact]
    public void SpamAssassinNeedsEveryGroupFolder()
    {
        Directory.CreateDirectory(_temp.File("easy-ham-1"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => SpamAssassin.Load(_temp.Path));
        Assert.Contains("easy-ham-2: SpamAssassin group folder not found", e.Message);
    }

    [Fact]
    public void SpamAssassinRejectsInvalidUtf8NamingTheFile()
    {
        foreach (string group in SpamAssassin.Groups)
            Directory.CreateDirectory(_temp.File(group));
        string bad = _temp.File("easy-ham-1/00001.json");
        // 0xFF never occurs in UTF-8; the JSON structure around it is fine.
        byte[] json = [.. "{\"id\":\"00001\",\"group\":\"easy-ham-1\",\"text\":\"Subject: a"u8, 0xFF, .. "\\n\\nb\"}"u8];
        File.WriteAllBytes(bad, json);

        var e = Assert.Throws<InvalidDataException>(() => SpamAssassin.Load(_temp.Path));
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpamSubjectIsUnfoldedAndCrLfIsAccepted()
    {
        var (subject, body) = SpamAssassin.SplitMessage("Received: a\r\nSUBJECT: Cheap\r\n\tpills now\r\nSubject: second\r\n\r\nBuy\r\n");
        Assert.Equal("Cheap pills now", subject);
        Assert.Equal("Buy\n", body);
        Assert.Equal(("", ""), SpamAssassin.SplitMessage("From: a"));
    }

    [Fact]
    public void MobyDickFindsNumberedChapters()
    {
        const string text = "CHAPTER 1. Loomings.\n\nCall me Ishmael.\n\nCHAPTER 2. The Carpet-Bag.\n\nI stuffed a shirt.\n";
        File.WriteAllText(_temp.File("data.txt"), text, new UTF8Encoding(false));

        var book = MobyDick.Load(_temp.Path);

        Assert.Equal(text, book.Text);
        Assert.Equal(2, book.Chapters.Count);
        Assert.Equal(new MobyDickChapter(1, "Loomings.", 0, 40), book.Chapters[0]);
        Assert.Equal("The Carpet-Bag.", book.Chapters[1].Title);
        Assert.Equal("CHAPTER 2. The Carpet-Bag.\n\nI stuffed a shirt.\n", book.ChapterText(book.Chapters[1]));
        Assert.Equal(text.Length, book.Chapters.Sum(c => c.Length));
    }

    [Fact]
    public void MobyDickRejectsChaptersOutOfOrder()
    {
        var e = Assert.Throws<InvalidDataException>(() => MobyDick.Parse("CHAPTER 1. A\nx\nCHAPTER 3. C\ny\n", "t"));
        Assert.Equal("t: heading 'CHAPTER 3. C' found where chapter 2 was expected.", e.Message);
        Assert.Throws<InvalidDataException>(() => MobyDick.Parse("no headings", "t"));
    }

    [Fact]
    public void CmuDictSplitsVariantsAndPhonemes()
    {
        File.WriteAllText(_temp.File("dict.txt"), ";;; comment\nA  AH0\nA(1)  EY1\nREAD  R IY1 D\nREAD(1)  R EH1 D\nB.S.  B IY2 EH1 S\n");

        var dict = CmuDict.Load(_temp.Path);

        Assert.Equal(5, dict.Count);
        Assert.Equal(("A", 1), (dict[1].Word, dict[1].Variant));
        Assert.Equal(["EY1"], dict[1].Phonemes);
        Assert.Equal(("READ", 0), (dict[2].Word, dict[2].Variant));
        Assert.Equal(["R", "EH1", "D"], dict[3].Phonemes);
        Assert.Equal("B.S.", dict[4].Word);
    }

    [Fact]
    public void CmuDictNamesTheBadLine()
    {
        var e = Assert.Throws<InvalidDataException>(() => CmuDict.Read(new StringReader("A  AH0\nNOPHONEMES\n"), "d"));
        Assert.Equal("d: line 2: expected 'WORD  PHONEMES', got 'NOPHONEMES'.", e.Message);
        e = Assert.Throws<InvalidDataException>(() => CmuDict.Read(new StringReader("A(x)  AH0\n"), "d"));
        Assert.Equal("d: line 1: bad variant marker in 'A(x)'.", e.Message);
    }
}
