package io.streamlearn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFileTest {

  @TempDir Path dir;

  @Test
  void keepsOtherBenchmarksFiguresAndStampsWhenAndWhere() throws Exception {
    Path file = dir.resolve("results.json");
    Instant before = Instant.now().minusSeconds(1);

    ResultsFile.merge(file, Map.of("recovery_s", new Figure(1.466, 10, "lower")));
    ResultsFile.merge(
        file, Map.of("job_vs_kafka_consumer", new Figure(0.04467, Double.NaN, "higher")));

    assertThat(ResultsFile.read(file))
        .containsEntry("recovery_s", new Figure(1.47, 10, "lower"))
        .containsKey("job_vs_kafka_consumer");
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    assertThat(root.path("figures").path("job_vs_kafka_consumer").path("value").asDouble())
        .isEqualTo(0.0447);
    assertThat(root.path("figures").path("job_vs_kafka_consumer").path("target").isNull()).isTrue();
    assertThat(Instant.parse(root.path("date").asText())).isAfter(before);
    JsonNode machine = root.path("machine");
    assertThat(machine.path("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(machine.path("cpu").asText()).isNotBlank();
    assertThat(machine.path("java").asText()).contains(Runtime.version().toString());
    assertThat(machine.path("memoryGiB").asDouble()).isPositive();
  }
}
