package io.streamlearn.pipeline.config;

import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;

/** A limit on the values of one option, beyond its type. */
interface Constraint {

  ConfigOption<?> option();

  /**
   * Why the value breaks the limit, naming the value and what is allowed, or empty when it is
   * allowed.
   *
   * @param value the parsed value of {@link #option()}
   * @param raw the value as the user wrote it
   */
  Optional<String> violation(Object value, String raw);

  /** What is allowed, such as "must be >= 1"; shown in messages and in the reference docs. */
  String allowed();
}
