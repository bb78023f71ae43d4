package io.streamlearn.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

  @Test
  void logsTheFirstTenThenEveryThousandth() {
    long[] logged = LongStream.rangeClosed(1, 3_000).filter(LogThrottle::shouldLog).toArray();

    assertThat(logged).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1_000, 2_000, 3_000);
  }
}
