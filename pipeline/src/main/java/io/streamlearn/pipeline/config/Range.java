package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;

import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;

/**
 * Bounds on a number or duration option, or on each element of a list option.
 *
 * @param <T> the type of the bounded values
 */
final class Range<T extends Comparable<? super T>> implements Constraint {

  /** One side of a range, such as "> 0 ms". */
  record Bound<T extends Comparable<? super T>>(
      String operator, T limit, IntPredicate acceptsComparison) {

    boolean accepts(T value) {
      return acceptsComparison.test(value.compareTo(limit));
    }

    @Override
    public String toString() {
      return operator + " " + OptionValues.format(limit);
    }
  }

  private final ConfigOption<?> option;
  private final boolean boundsEachElement;
  private final List<Bound<T>> bounds;

  private Range(ConfigOption<?> option, boolean boundsEachElement, List<Bound<T>> bounds) {
    this.option = option;
    this.boundsEachElement = boundsEachElement;
    this.bounds = bounds;
  }

  @SafeVarargs
  static <T extends Comparable<? super T>> Range<T> of(ConfigOption<T> option, Bound<T>... bounds) {
    return new Range<>(option, false, List.of(bounds));
  }

  @SafeVarargs
  static <T extends Comparable<? super T>> Range<T> ofEach(
      ConfigOption<List<T>> option, Bound<T>... bounds) {
    return new Range<>(option, true, List.of(bounds));
  }

  static <T extends Comparable<? super T>> Bound<T> atLeast(T limit) {
    return new Bound<>(">=", limit, comparison -> comparison >= 0);
  }

  static <T extends Comparable<? super T>> Bound<T> greaterThan(T limit) {
    return new Bound<>(">", limit, comparison -> comparison > 0);
  }

  static <T extends Comparable<? super T>> Bound<T> lessThan(T limit) {
    return new Bound<>("<", limit, comparison -> comparison < 0);
  }

  static <T extends Comparable<? super T>> Bound<T> atMost(T limit) {
    return new Bound<>("<=", limit, comparison -> comparison <= 0);
  }

  @Override
  public ConfigOption<?> option() {
    return option;
  }

  // The factories tie T to the option's value type, so the casts below cannot fail.
  @SuppressWarnings("unchecked")
  @Override
  public Optional<String> violation(Object value, String raw) {
    if (boundsEachElement) {
      List<T> elements = (List<T>) value;
      return elements.stream()
          .filter(this::isOutOfRange)
          .findFirst()
          .map(element -> OptionValues.format(element) + " in " + quote(raw) + outOfRange());
    }
    return isOutOfRange((T) value) ? Optional.of(raw + outOfRange()) : Optional.empty();
  }

  @Override
  public String allowed() {
    String limits = bounds.stream().map(Bound::toString).collect(Collectors.joining(" and "));
    return (boundsEachElement ? "each must be " : "must be ") + limits;
  }

  private boolean isOutOfRange(T value) {
    return !bounds.stream().allMatch(bound -> bound.accepts(value));
  }

  private String outOfRange() {
    return " is out of range, " + allowed();
  }
}
