package io.streamlearn.pipeline.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file as rows of cells, read as RFC 4180 says and as common data sets are written: quoted
 * cells may hold the delimiter, doubled quotes and line breaks; lines end in LF or CRLF; a UTF-8
 * byte order mark is skipped; blank lines are skipped. The delimiter is ',', ';' or tab, whichever
 * the first line holds most of outside quotes (so semicolon files from spreadsheets need no
 * option). Cells keep their text as written, without the quotes; callers trim.
 *
 * @param rows every non-blank row, with the line it starts on
 */
record CsvTable(List<Row> rows) {

  private static final char[] DELIMITERS = {',', ';', '\t'};

  /**
   * @param line where the row starts in the file, 1-based, for error messages
   */
  record Row(int line, List<String> cells) {}

  static CsvTable read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (CharacterCodingException notUtf8) {
      // Older data sets are often Latin-1, where every byte is a character.
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    }
    return parse(text, file.toString());
  }

  static CsvTable parse(String text, String fileName) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    char delimiter = delimiterOf(text);
    List<Row> rows = new ArrayList<>();
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean cellWasQuoted = false;
    int line = 1;
    int rowLine = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          if (c == '\n') {
            line++;
          }
          cell.append(c);
        }
      } else if (c == '"' && cell.toString().isBlank()) {
        quoted = true;
        cellWasQuoted = true;
        cell.setLength(0);
      } else if (c == delimiter) {
        cells.add(cell.toString());
        cell.setLength(0);
        cellWasQuoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        endRow(rows, cells, cell, cellWasQuoted, rowLine);
        cells = new ArrayList<>();
        cellWasQuoted = false;
        line++;
        rowLine = line;
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(
          fileName + ":" + rowLine + ": a quoted cell is not closed before the end of the file");
    }
    endRow(rows, cells, cell, cellWasQuoted, rowLine);
    return new CsvTable(List.copyOf(rows));
  }

  private static void endRow(
      List<Row> rows, List<String> cells, StringBuilder cell, boolean cellWasQuoted, int line) {
    cells.add(cell.toString());
    cell.setLength(0);
    boolean blank = cells.size() == 1 && !cellWasQuoted && cells.get(0).isBlank();
    if (!blank) {
      rows.add(new Row(line, List.copyOf(cells)));
    }
  }

  /** The delimiter the first line holds most of, outside quotes; ',' when it holds none. */
  private static char delimiterOf(String text) {
    int[] counts = new int[DELIMITERS.length];
    boolean quoted = false;
    for (int i = 0; i < text.length() && (quoted || text.charAt(i) != '\n'); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      for (int d = 0; d < DELIMITERS.length; d++) {
        if (!quoted && c == DELIMITERS[d]) {
          counts[d]++;
        }
      }
    }
    int best = 0;
    for (int d = 1; d < DELIMITERS.length; d++) {
      if (counts[d] > counts[best]) {
        best = d;
      }
    }
    return DELIMITERS[best];
  }
}
