package io.streamlearn.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.streamlearn.schemas.LabeledSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How produce --csv makes label sets and several targets of a file's columns. */
class CsvSamplesTest {

  @TempDir Path workDir;

  private final StringWriter printed = new StringWriter();

  @Test
  void labelColumnsGiveTheClassesWhoseCellHoldsAndAllEmptyIsUnlabeled() throws IOException {
    List<LabeledSample> samples =
        read(
            "id,key,x1,sports,politics,science,x2\n"
                + "a,k,0.5,1,0,true,1\n"
                + "b,k,1.5,0,FALSE,0.0,2\n"
                + "c,k,2.5,,,,3\n",
            "--label-columns",
            "sports,politics,science");

    assertThat(samples)
        .extracting(LabeledSample::getId, LabeledSample::getLabels, LabeledSample::getLabel)
        .containsExactly(
            tuple("a", List.of(0, 2), null), tuple("b", List.of(), null), tuple("c", null, null));
    assertThat(samples.get(0).getFeatures()).containsExactly(0.5f, 1f);
    assertThat(printed.toString()).contains("Label columns: sports=0, politics=1, science=2");
  }

  @Test
  void targetColumnsGiveTheTargetsInOrderAndAllEmptyIsUnlabeled() throws IOException {
    List<LabeledSample> samples =
        read("y2,x,y1\n-1,0.25,2.5\n,0.5,\n", "--target-columns", "y1,1", "--key", "north");

    assertThat(samples)
        .extracting(LabeledSample::getKey, LabeledSample::getTargets, LabeledSample::getTarget)
        .containsExactly(tuple("north", List.of(2.5, -1.0), null), tuple("north", null, null));
    assertThat(samples)
        .extracting(LabeledSample::getFeatures)
        .containsExactly(List.of(0.25f), List.of(0.5f));
  }

  @Test
  void aRowWithSomeOfItsLabelOrTargetCellsEmptyIsRefusedNamingItsLine() {
    assertThatThrownBy(() -> read("key,x,a,b,c\nk,1,1,0,1\nk,2,1,,\n", "--label-columns", "a,b,c"))
        .hasMessageEndingWith(
            "partly.csv:3: --label-columns [b, c] empty, the others not: give all of a row's cells"
                + " of --label-columns, or none for an unlabeled sample");
    assertThatThrownBy(() -> read("key,x,y1,y2\nk,1,,2\n", "--target-columns", "y1,y2"))
        .hasMessageEndingWith(
            "partly.csv:2: --target-columns [y1] empty, the others not:"
                + " give all of a row's cells of --target-columns, or none for an unlabeled sample");
  }

  @Test
  void aCellThatIsNeitherZeroNorOneNorANumberIsRefusedNamingItsLineColumnAndOption() {
    assertThatThrownBy(() -> read("key,x,a,b\nk,1,1,0\nk,2,1,yes\n", "--label-columns", "a,b"))
        .hasMessageEndingWith(
            "partly.csv:3: column 'b' (--label-columns) says whether a class holds: 0/1 or"
                + " true/false, not 'yes'");
    assertThatThrownBy(() -> read("key,x,y1,y2\nk,1,2,n/a\n", "--target-columns", "y1,y2"))
        .hasMessageEndingWith(
            "partly.csv:2: column 'y2' is not a number: 'n/a' (--target-columns)");
  }

  @Test
  void theSetOptionsExcludeTheSingleColumnOnesAndEachOther() {
    String csv = "key,x,a,b,label,target\nk,1,1,0,1,2\n";

    assertThatThrownBy(() -> read(csv, "--label-columns", "a,b", "--label-column", "label"))
        .hasMessage(
            "give --label-columns (a multi-label sample's classes) or --label-column and --classes"
                + " (one class label), not both");
    assertThatThrownBy(() -> read(csv, "--target-columns", "a,b", "--target-column", "target"))
        .hasMessage("give --target-columns or --target-column, not both");
    assertThatThrownBy(() -> read(csv, "--label-columns", "a", "--target-columns", "b"))
        .hasMessage(
            "give --label-columns or --target-columns, not both: a sample is multi-label or a"
                + " regression");
    assertThatThrownBy(() -> read(csv, "--label-columns", "a,sports"))
        .hasMessageEndingWith(
            "partly.csv: no column 'sports' (--label-columns) among [key, x, a, b, label, target]");
  }

  /** Parses the options as produce does and reads the CSV text with them. */
  private List<LabeledSample> read(String csv, String... options) throws IOException {
    Path file = workDir.resolve("partly.csv");
    Files.writeString(file, csv);
    List<String> args =
        new ArrayList<>(List.of("--bootstrap-servers", "unused:9092", "--csv", file.toString()));
    args.addAll(List.of(options));
    ProduceCommand produce = new ProduceCommand();
    new CommandLine(produce).parseArgs(args.toArray(String[]::new));
    return produce.csvColumns.read(file, new PrintWriter(printed, true));
  }
}
