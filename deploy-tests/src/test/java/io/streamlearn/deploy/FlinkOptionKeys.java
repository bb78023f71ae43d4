package io.streamlearn.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;

/**
 * Flink's configuration options, found reflectively: every {@code public static ConfigOption} of
 * every {@code org.apache.flink...*Options} class in the Flink jars on the test class path (which
 * are the cluster's: flink-runtime, flink-clients, RocksDB, the Prometheus reporter), by key and by
 * deprecated or fallback key.
 */
final class FlinkOptionKeys {

  private static final String REPORTER_PREFIX = "metrics.reporter.";

  private final Map<String, ConfigOption<?>> byKey = new HashMap<>();

  private FlinkOptionKeys() {}

  static FlinkOptionKeys onClassPath() {
    FlinkOptionKeys keys = new FlinkOptionKeys();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (new File(entry).getName().startsWith("flink-") && entry.endsWith(".jar")) {
        keys.addOptionClassesOf(entry);
      }
    }
    return keys;
  }

  private void addOptionClassesOf(String jar) {
    try (JarFile file = new JarFile(jar)) {
      file.stream()
          .map(e -> e.getName())
          .filter(n -> n.startsWith("org/apache/flink/") && n.endsWith("Options.class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .forEach(this::addOptionsOf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void addOptionsOf(String className) {
    Class<?> options;
    try {
      options = Class.forName(className, false, getClass().getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return; // an optional dependency of that class is not on the cluster's class path
    }
    for (Field field : options.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
        try {
          ConfigOption<?> option = (ConfigOption<?>) field.get(null);
          byKey.put(option.key(), option);
          for (FallbackKey fallback : option.fallbackKeys()) {
            byKey.putIfAbsent(fallback.getKey(), option);
          }
        } catch (IllegalAccessException | LinkageError e) {
          // not readable: not an option a configuration file could set
        }
      }
    }
  }

  /** The option a key sets, if Flink has one: plain keys and the patterns Flink documents. */
  Optional<ConfigOption<?>> option(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /**
   * Whether Flink reads the key: an option's key, an environment variable of Flink-started
   * TaskManagers ({@code containerized.taskmanager.env.NAME}), or an option of a named metric
   * reporter ({@code metrics.reporter.NAME.factory.class}, or the Prometheus reporter's port).
   */
  boolean isFlinkKey(String key) {
    if (byKey.containsKey(key)) {
      return true;
    }
    if (key.startsWith(ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX)) {
      return key.length() > ResourceManagerOptions.CONTAINERIZED_TASK_MANAGER_ENV_PREFIX.length();
    }
    if (key.startsWith(REPORTER_PREFIX)) {
      String rest = key.substring(REPORTER_PREFIX.length());
      String setting = rest.substring(rest.indexOf('.') + 1);
      return setting.equals(MetricOptions.REPORTER_FACTORY_CLASS.key())
          || setting.equals(prometheusPort());
    }
    return false;
  }

  private static String prometheusPort() {
    try {
      Field port = PrometheusReporterFactory.class.getDeclaredField("ARG_PORT");
      port.setAccessible(true);
      return (String) port.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the Prometheus reporter has no port argument", e);
    }
  }
}
