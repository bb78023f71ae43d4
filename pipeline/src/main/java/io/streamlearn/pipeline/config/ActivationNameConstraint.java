package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.nd4j.linalg.activations.Activation;

/**
 * A string option that must name a DL4J {@link Activation}, case-insensitively. Checked while the
 * configuration loads, so a typo fails at startup rather than when the first network is built.
 */
final class ActivationNameConstraint implements Constraint {

  private final ConfigOption<String> option;

  ActivationNameConstraint(ConfigOption<String> option) {
    this.option = option;
  }

  /** The activation with this name, ignoring case. */
  static Optional<Activation> lookup(String name) {
    return Arrays.stream(Activation.values())
        .filter(activation -> activation.name().equalsIgnoreCase(name))
        .findFirst();
  }

  @Override
  public ConfigOption<?> option() {
    return option;
  }

  @Override
  public Optional<String> violation(Object value, String raw) {
    return lookup((String) value).isPresent()
        ? Optional.empty()
        : Optional.of(quote(raw) + " is not a DL4J activation, " + allowed());
  }

  @Override
  public String allowed() {
    return "must be one of "
        + Arrays.stream(Activation.values())
            .map(activation -> activation.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "))
        + " (case-insensitive)";
  }
}
