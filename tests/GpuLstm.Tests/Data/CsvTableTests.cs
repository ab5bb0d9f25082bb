using GpuLstm.Datasets;

namespace GpuLstm.Tests.Data;

/// <summary>RFC 4180 parsing, line numbers in errors, and numeric columns.</summary>
public sealed class CsvTableTests
{
    [Fact]
    public void ParsesQuotedFieldsWithCommasQuotesAndLineBreaks()
    {
        var table = CsvTable.Parse("name,note,value\n\"Smith, J.\",\"said \"\"hi\"\"\",1.5\nplain,\"two\nlines\",-2e3\n");

        Assert.Equal(["name", "note", "value"], table.Headers);
        Assert.Equal(2, table.RowCount);
        Assert.Equal(["Smith, J.", "plain"], table.Column("name"));
        Assert.Equal(["said \"hi\"", "two\nlines"], table.Column("note"));
        Assert.Equal([1.5, -2000.0], table.NumericColumn("value"));
    }

    [Theory]
    [InlineData("a,b\r\n1,2\r\n3,4\r\n")]
    [InlineData("a,b\n1,2\n3,4")]
    [InlineData("a,b\r1,2\r3,4\r")]
    [InlineData("a,b\n1,2\n3,4\n\n\n")]
    [InlineData("a,b\r\n1,2\r\n\r\n3,4\r\n\r\n")]
    public void HandlesLineEndingsAndBlankLines(string text)
    {
        var table = CsvTable.Parse(text);
        Assert.Equal(2, table.RowCount);
        Assert.Equal([1.0, 3.0], table.NumericColumn("a"));
        Assert.Equal([2.0, 4.0], table.NumericColumn("b"));
    }

    [Fact]
    public void KeepsEmptyAndQuotedEmptyFields()
    {
        var table = CsvTable.Parse("a,b,c\n,\"\",x\n\"\",,\n");
        Assert.Equal(["", ""], table.Column("a"));
        Assert.Equal(["", ""], table.Column("b"));
        Assert.Equal(["x", ""], table.Column("c"));
    }

    [Fact]
    public void QuotedCrLfInsideFieldIsDataAndCountsAsALine()
    {
        var table = CsvTable.Parse("a,b\r\n\"x\r\ny\",1\r\nz,oops\r\n");
        Assert.Equal("x\r\ny", table.Column("a")[0]);
        Assert.Equal(2, table.LineNumber(0));
        Assert.Equal(4, table.LineNumber(1));
        var ex = Assert.Throws<FormatException>(() => table.NumericColumn("b"));
        Assert.Contains("line 4", ex.Message);
    }

    [Fact]
    public void BadNumberNamesColumnLineAndText()
    {
        var table = CsvTable.Parse("Date,CO2\n1958-03-01,315.70\n\n1958-04-01,31x.46\n", "co2.csv");
        var ex = Assert.Throws<FormatException>(() => table.NumericColumn("CO2"));
        Assert.Contains("co2.csv", ex.Message);
        Assert.Contains("'CO2'", ex.Message);
        Assert.Contains("line 4", ex.Message); // the blank line 3 still counts
        Assert.Contains("31x.46", ex.Message);
    }

    [Theory]
    [InlineData("v\n1\n\"\"\n", "line 3", "empty")]
    [InlineData("v,w\n1,2\n ,3\n", "line 3", "empty")]
    [InlineData("v\n1\nNaN\n", "line 3", "NaN")]
    [InlineData("v\n1\n1,5\n", "line 3", "2 fields")]
    public void MissingOrNonFiniteCellsAreRejected(string text, string line, string detail)
    {
        var ex = Assert.ThrowsAny<FormatException>(() => CsvTable.Parse(text).NumericColumn("v"));
        Assert.Contains(line, ex.Message);
        Assert.Contains(detail, ex.Message);
    }

    [Fact]
    public void NumbersUseInvariantCulture()
    {
        var saved = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal([1.25, 1e-3], CsvTable.Parse("x\n1.25\n1E-3\n").NumericColumn("x"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
    }

    [Fact]
    public void UnknownColumnListsTheAvailableOnes()
    {
        var table = CsvTable.Parse("Date,CO2,adjusted CO2\n2000-01-01,1,2\n");
        var ex = Assert.Throws<ArgumentException>(() => table.Column("co2"));
        Assert.Contains("'Date', 'CO2', 'adjusted CO2'", ex.Message);
        Assert.Throws<ArgumentException>(() => table.NumericColumn("nope"));
        Assert.True(table.HasColumn("CO2"));
        Assert.False(table.HasColumn("co2"));
    }

    [Theory]
    [InlineData("a,b\n\"open,1\n2,3\n", "line 2", "never closes")]
    [InlineData("a,b\n\"x\"y,1\n", "line 2", "after a closing quote")]
    [InlineData("a,b\n1,2\nx\"y,1\n", "line 3", "quote inside an unquoted field")]
    [InlineData("a,a\n1,2\n", "line 1", "more than once")]
    [InlineData("", "", "empty")]
    public void MalformedInputFailsWithTheLine(string text, string line, string detail)
    {
        var ex = Assert.Throws<FormatException>(() => CsvTable.Parse(text));
        Assert.Contains(line, ex.Message);
        Assert.Contains(detail, ex.Message);
    }

    [Fact]
    public void HeaderOnlyGivesNoRowsAndByteOrderMarkIsDropped()
    {
        var table = CsvTable.Parse("\uFEFFx,y\r\n");
        Assert.Equal(["x", "y"], table.Headers);
        Assert.Equal(0, table.RowCount);
        Assert.Empty(table.NumericColumn("x"));
    }

    [Fact]
    public void LoadsFromAPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gpulstm-csv-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "t,v\r\n1,\"2.5\"\r\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            var table = CsvTable.Load(path);
            Assert.Equal(["t", "v"], table.Headers);
            Assert.Equal([2.5], table.NumericColumn("v"));
            Assert.Equal(path, table.Source);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EmbeddedDatasetsAreListedAndUnknownNamesExplained()
    {
        Assert.Contains("co2-concentration.csv", CsvTable.EmbeddedNames());
        var ex = Assert.Throws<ArgumentException>(() => CsvTable.LoadEmbedded("nope.csv"));
        Assert.Contains("co2-concentration.csv", ex.Message);
    }
}
