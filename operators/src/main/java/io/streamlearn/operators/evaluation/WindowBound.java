package io.streamlearn.operators.evaluation;

import java.io.Serializable;
import java.time.Duration;

/**
 * How far back a {@link PrequentialWindow} reaches: the last {@code limit} outcomes (COUNT), or the
 * outcomes whose prediction time is less than {@code limit} milliseconds before the newest one
 * (TIME).
 */
public record WindowBound(Kind kind, long limit) implements Serializable {

  public enum Kind {
    COUNT,
    TIME
  }

  public WindowBound {
    if (limit < 1) {
      throw new IllegalArgumentException("a window must reach at least 1, got " + limit);
    }
  }

  public static WindowBound count(int outcomes) {
    return new WindowBound(Kind.COUNT, outcomes);
  }

  public static WindowBound time(Duration span) {
    return new WindowBound(Kind.TIME, span.toMillis());
  }

  /**
   * Whether a window of {@code size} outcomes must drop its oldest (made at {@code oldestTime})
   * before it takes one more, when the newest prediction time is then {@code newestTime}.
   */
  boolean dropsOldestBeforeAdding(int size, long oldestTime, long newestTime) {
    return switch (kind) {
      case COUNT -> size >= limit;
      case TIME -> newestTime - oldestTime >= limit;
    };
  }
}
