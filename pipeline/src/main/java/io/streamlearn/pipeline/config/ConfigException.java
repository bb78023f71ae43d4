package io.streamlearn.pipeline.config;

import java.util.List;

/**
 * A configuration that cannot be used. It carries every problem found, so that a user fixes them
 * all in one round instead of one per run; the message lists them one per line.
 */
public class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem, Throwable cause) {
    super(describe(List.of(problem)), cause);
    this.problems = List.of(problem);
  }

  /** The problems, each naming the key, the value and what is allowed. */
  public List<String> problems() {
    return problems;
  }

  private static String describe(List<String> problems) {
    return "Invalid Streamlearn configuration:\n  " + String.join("\n  ", problems);
  }
}
