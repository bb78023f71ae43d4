package io.streamlearn.operators.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegressionWindowTest {

  @Test
  void maeAndRmseCoverOnlyTheLastCountOutcomes() {
    RegressionWindow window = new RegressionWindow(WindowBound.count(3));
    window.add(0, 100, 0); // pushed out by the fourth
    window.add(1, 3, 1);
    window.add(2, 1, 2);
    window.add(3, 0, 2);

    // Errors 2, -1, -2.
    assertThat(window.mae()).isCloseTo(5.0 / 3, within(1e-12));
    assertThat(window.rmse()).isCloseTo(Math.sqrt((4 + 1 + 4) / 3.0), within(1e-12));
    assertThat(window.metrics()).containsOnlyKeys("windowSize", "mae", "rmse");
  }

  @Test
  void timeWindowDropsOutcomesOnceTheSpanHasPassedSinceThem() {
    RegressionWindow window = new RegressionWindow(WindowBound.time(Duration.ofSeconds(1)));
    window.add(1_000, 10, 0);
    window.add(1_500, 1, 0);
    window.add(2_000, 1, 0);

    assertThat(window.size()).isEqualTo(2);
    assertThat(window.mae()).isEqualTo(1.0);
  }
}
