package io.streamlearn.pipeline.config;

import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/** Values written in Flink's configuration notation, escaped the way Flink reads them back. */
final class FlinkText {

  private static final ConfigOption<List<Map<String, String>>> LIST_OF_MAPS =
      ConfigOptions.key("list").mapType().asList().noDefaultValue();

  private FlinkText() {}

  /** Maps separated by ';', their entries key:value separated by ','. */
  @SuppressWarnings("unchecked")
  static String listOfMaps(List<?> maps) {
    Configuration holder = new Configuration();
    holder.set(LIST_OF_MAPS, (List<Map<String, String>>) maps);
    return holder.toMap().get(LIST_OF_MAPS.key());
  }
}
