package io.streamlearn.pipeline.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.util.TimeUtils;

/** Writes typed option values back as text that the loader accepts, for messages, maps and docs. */
final class OptionValues {

  private OptionValues() {}

  static String format(Object value) {
    if (value instanceof Duration duration) {
      return TimeUtils.formatWithHighestUnit(duration);
    }
    if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
      return FlinkText.listOfMaps(list);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(OptionValues::format).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }
}
