package io.streamlearn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * bench/results.json: a top-level object "figures" mapping each figure's name to {@code {"value",
 * "target", "better"}}. Each benchmark writes its own figures and keeps the others', so benchmarks
 * can run one at a time.
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
        (name, figure) ->
            all.putObject(name)
                .put("value", Math.round(figure.value() * 100) / 100.0)
                .put("target", figure.target())
                .put("better", figure.better()));
    JSON.writeValue(file.toFile(), root);
  }
}
