package io.streamlearn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * bench/results.json: a top-level object "figures" mapping each figure's name to {@code {"value",
 * "target", "better"}}, and when and where the figures were last written: "date" (UTC, ISO-8601)
 * and "machine" (CPU model, cores, memory, Java, OS). Each benchmark writes its own figures and
 * keeps the others', so benchmarks can run one at a time.
 */
final class ResultsFile {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsFile() {}

  static void merge(Path file, Map<String, Figure> figures) throws IOException {
    ObjectNode root =
        Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
    ObjectNode all = root.withObjectProperty("figures");
    figures.forEach(
        (name, figure) -> {
          ObjectNode entry = all.putObject(name).put("value", rounded(figure.value()));
          if (figure.hasTarget()) {
            entry.put("target", figure.target());
          } else {
            entry.putNull("target");
          }
          entry.put("better", figure.better());
        });
    root.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    root.set("machine", machine());
    JSON.writeValue(file.toFile(), root);
  }

  /** The machine the figures were measured on, as far as the JVM can tell. */
  private static ObjectNode machine() throws IOException {
    ObjectNode machine = JSON.createObjectNode();
    machine.put("cpu", cpuModel());
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      machine.put("memoryGiB", rounded(os.getTotalMemorySize() / (double) (1L << 30)));
    }
    machine.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return machine;
  }

  /** The first "model name" of /proc/cpuinfo, or the architecture where there is none. */
  private static String cpuModel() throws IOException {
    Path cpuInfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuInfo)) {
      try (Stream<String> lines = Files.lines(cpuInfo)) {
        Optional<String> model =
            lines
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst();
        if (model.isPresent()) {
          return model.get();
        }
      }
    }
    return System.getProperty("os.arch");
  }

  /** Every figure in the file, in its order. */
  static Map<String, Figure> read(Path file) throws IOException {
    Map<String, Figure> figures = new LinkedHashMap<>();
    JsonNode all = JSON.readTree(file.toFile()).path("figures");
    all.fields()
        .forEachRemaining(
            entry -> {
              JsonNode figure = entry.getValue();
              JsonNode target = figure.path("target");
              figures.put(
                  entry.getKey(),
                  new Figure(
                      figure.path("value").asDouble(),
                      target.isNumber() ? target.asDouble() : Double.NaN,
                      figure.path("better").asText()));
            });
    return figures;
  }

  /**
   * Two decimals, which is what a ratio needs; three significant digits below 1, so that a small
   * figure such as the job over Kafka's own consumer does not round to 0.01.
   */
  private static double rounded(double value) {
    if (Math.abs(value) >= 1 || value == 0 || !Double.isFinite(value)) {
      return Math.round(value * 100) / 100.0;
    }
    return new BigDecimal(value).round(new MathContext(3)).doubleValue();
  }
}
