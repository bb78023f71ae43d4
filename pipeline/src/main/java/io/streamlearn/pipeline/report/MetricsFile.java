package io.streamlearn.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.schemas.MetricsEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A saved metrics topic: one {@link MetricsEvent} a line in Avro's JSON encoding. Plain text, so
 * that it can be read, diffed and cut with line tools, and still decoded by any Avro library with
 * nothing but {@code MetricsEvent.avsc}.
 */
public final class MetricsFile {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Double> NON_FINITE =
      Map.of(
          "NaN", Double.NaN,
          "Infinity", Double.POSITIVE_INFINITY,
          "-Infinity", Double.NEGATIVE_INFINITY);

  private MetricsFile() {}

  public static void write(Path file, List<MetricsEvent> events) throws IOException {
    DatumWriter<MetricsEvent> writer = new SpecificDatumWriter<>(MetricsEvent.class);
    try (BufferedWriter out = Files.newBufferedWriter(file, UTF_8)) {
      for (MetricsEvent event : events) {
        out.write(toJsonLine(writer, event));
        out.newLine();
      }
    }
  }

  /**
   * Reads every event of the file, in file order. Blank lines are skipped.
   *
   * @throws IOException if the file cannot be read, or a line is not a {@link MetricsEvent} in Avro
   *     JSON (the message names the file and the line)
   */
  public static List<MetricsEvent> read(Path file) throws IOException {
    DatumReader<MetricsEvent> reader = new SpecificDatumReader<>(MetricsEvent.class);
    List<MetricsEvent> events = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, UTF_8)) {
      int lineNumber = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        if (!line.isBlank()) {
          events.add(fromJsonLine(reader, line, file, lineNumber));
        }
      }
    }
    return events;
  }

  /** One line of the file format, without its line terminator. */
  public static String toJsonLine(MetricsEvent event) {
    return toJsonLine(new SpecificDatumWriter<>(MetricsEvent.class), event);
  }

  private static String toJsonLine(DatumWriter<MetricsEvent> writer, MetricsEvent event) {
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    try {
      // Not pretty-printed: one record is one line.
      JsonEncoder encoder = EncoderFactory.get().jsonEncoder(MetricsEvent.getClassSchema(), json);
      writer.write(event, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode " + event, e);
    }
    return json.toString(UTF_8);
  }

  private static MetricsEvent fromJsonLine(
      DatumReader<MetricsEvent> reader, String line, Path file, int lineNumber) throws IOException {
    try {
      JsonNode json = JSON.readTree(line);
      Map<String, Double> nonFinite = takeNonFiniteMetrics(json);
      MetricsEvent event =
          reader.read(
              null,
              DecoderFactory.get().jsonDecoder(MetricsEvent.getClassSchema(), json.toString()));
      event.getMetrics().putAll(nonFinite);
      return event;
    } catch (IOException | AvroRuntimeException e) {
      // Jackson's own message ends in a location in its input: that is the line, named here.
      String reason =
          e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
      throw new IOException(
          file + " line " + lineNumber + ": not a MetricsEvent in Avro JSON: " + reason, e);
    }
  }

  /**
   * Avro's JsonEncoder writes a NaN or infinite double as the string "NaN", "Infinity" or
   * "-Infinity", which its JsonDecoder then rejects (AVRO-2032, unfixed in Avro 1.11 for Java). AUC
   * before both classes are seen is NaN, so such values are real: remove them from the metrics map
   * for the decoder and return them, to be put back after decoding.
   */
  private static Map<String, Double> takeNonFiniteMetrics(JsonNode event) {
    Map<String, Double> taken = new HashMap<>();
    if (event.get("metrics") instanceof ObjectNode metrics) {
      for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> metric = it.next();
        Double value = NON_FINITE.get(metric.getValue().asText());
        if (metric.getValue().isTextual() && value != null) {
          taken.put(metric.getKey(), value);
          it.remove();
        }
      }
    }
    return taken;
  }
}
