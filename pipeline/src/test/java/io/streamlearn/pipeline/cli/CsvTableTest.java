package io.streamlearn.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTableTest {

  @Test
  void quotedCellsKeepDelimitersDoubledQuotesAndLineBreaks() {
    CsvTable table =
        CsvTable.parse(
            "id,name,x\r\n1,\"Braund, Mr. Owen \"\"Jack\"\"\",7\r\n2,\"two\nlines\",8\r\n",
            "t.csv");

    assertThat(table.rows())
        .extracting(CsvTable.Row::cells)
        .containsExactly(
            List.of("id", "name", "x"),
            List.of("1", "Braund, Mr. Owen \"Jack\"", "7"),
            List.of("2", "two\nlines", "8"));
    assertThat(table.rows()).extracting(CsvTable.Row::line).containsExactly(1, 2, 3);
  }

  @Test
  void findsSemicolonAndTabDelimitersFromTheFirstRow() {
    assertThat(CsvTable.parse("\"a\";\"b,c\"\n1,5;2\n", "s.csv").rows().get(1).cells())
        .containsExactly("1,5", "2");
    assertThat(CsvTable.parse("a\tb\n1\t2\n", "t.tsv").rows().get(1).cells())
        .containsExactly("1", "2");
  }

  @Test
  void skipsAByteOrderMarkAndBlankLines() {
    CsvTable table = CsvTable.parse("\uFEFFkey,x\n\na,1\n\n", "b.csv");

    assertThat(table.rows())
        .extracting(CsvTable.Row::cells)
        .containsExactly(List.of("key", "x"), List.of("a", "1"));
    assertThat(table.rows().get(1).line()).isEqualTo(3);
  }

  @Test
  void anUnclosedQuoteNamesItsLine() {
    assertThatThrownBy(() -> CsvTable.parse("a,b\n1,\"open\n2,3\n", "u.csv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("u.csv:2: a quoted cell is not closed before the end of the file");
  }
}
