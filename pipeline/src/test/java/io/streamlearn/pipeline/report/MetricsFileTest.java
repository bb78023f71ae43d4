package io.streamlearn.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsFileTest {

  @TempDir Path dir;

  @Test
  void readsBackWhatItWrote() throws IOException {
    List<MetricsEvent> events = SyntheticMetrics.stream();
    Path file = dir.resolve("metrics.jsonl");

    MetricsFile.write(file, events);

    assertThat(MetricsFile.read(file)).isEqualTo(events);
  }

  @Test
  void writesOneJsonRecordPerLine() throws IOException {
    List<MetricsEvent> events = SyntheticMetrics.stream();
    Path file = dir.resolve("metrics.jsonl");

    MetricsFile.write(file, events);

    List<String> lines = Files.readAllLines(file, UTF_8);
    assertThat(lines).hasSize(events.size());
    assertThat(lines.get(0)).isEqualTo(MetricsFile.toJsonLine(events.get(0)));
    assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("{\"kind\":").endsWith("}"));
  }

  @Test
  void keepsValuesJsonHasNoNumberFor() throws IOException {
    // Early in a stream AUC is undefined and a certain miss has infinite log loss.
    MetricsEvent event =
        MetricsEvent.newBuilder()
            .setKind(MetricsEventKind.SNAPSHOT)
            .setKey("k")
            .setPosition(1)
            .setTime(Instant.ofEpochMilli(1))
            .setMetrics(Map.of("auc", Double.NaN, "logLoss", Double.POSITIVE_INFINITY))
            .build();
    Path file = dir.resolve("metrics.jsonl");

    MetricsFile.write(file, List.of(event));

    assertThat(MetricsFile.read(file)).containsExactly(event);
  }

  @Test
  void skipsBlankLines() throws IOException {
    MetricsEvent first = SyntheticMetrics.stream().get(0);
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(file, "\n" + MetricsFile.toJsonLine(first) + "\n\n", UTF_8);

    assertThat(MetricsFile.read(file)).containsExactly(first);
  }

  @Test
  void namesTheFileAndLineOfARecordItCannotRead() throws IOException {
    MetricsEvent first = SyntheticMetrics.stream().get(0);
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(
        file,
        MetricsFile.toJsonLine(first) + "\n{\"kind\": \"SNAPSHOT\", \"position\": \"soon\"}\n",
        UTF_8);

    assertThatThrownBy(() -> MetricsFile.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file + " line 2: not a MetricsEvent");
  }
}
