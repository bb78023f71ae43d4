package io.streamlearn.operators;

import java.io.Serializable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Keys whose whole key matches {@code pattern}, a Java regular expression, train {@code model}
 * instead of the default one.
 */
public record ModelOverride(String pattern, ModelSpec model) implements Serializable {

  /**
   * @throws PatternSyntaxException if {@code pattern} is not a regular expression
   */
  public ModelOverride {
    Pattern.compile(pattern);
  }
}
