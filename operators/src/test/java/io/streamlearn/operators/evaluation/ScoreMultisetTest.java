package io.streamlearn.operators.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoreMultisetTest {

  @Test
  void twiceRankCountsTheScoresBelowTwiceAndTheEqualOnesOnce() {
    ScoreMultiset set = ScoreMultiset.ofSorted(new float[] {0.1f, 0.5f, 0.5f, 0.9f});

    assertThat(set.size()).isEqualTo(4);
    assertThat(set.twiceRank(0.5f)).isEqualTo(2 * 1 + 2);
    assertThat(set.twiceRank(0.7f)).isEqualTo(2 * 3);
    assertThat(set.twiceRank(0f)).isZero();
    assertThat(set.twiceRank(1f)).isEqualTo(2 * 4);
  }

  @Test
  void minusZeroAndZeroAreOneScore() {
    ScoreMultiset set = ScoreMultiset.ofSorted(new float[] {-0f, 0f});
    set.add(-0f);
    set.add(0f);

    assertThat(set.twiceRank(0f)).isEqualTo(4);
    assertThat(set.twiceRank(-0f)).isEqualTo(4);
    set.remove(0f);
    set.remove(0f);
    set.remove(-0f);
    assertThat(set.twiceRank(0f)).isEqualTo(1);
  }

  @Test
  void removingAScoreItDoesNotHoldFails() {
    ScoreMultiset set = ScoreMultiset.ofSorted(new float[] {0.25f});

    assertThatThrownBy(() -> set.remove(0.5f)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ranksStayExactAsScoresComeAndGo() {
    Random random = new Random(11);
    List<Float> held = new ArrayList<>();
    float[] initial = new float[300];
    for (int i = 0; i < initial.length; i++) {
      initial[i] = score(random);
      held.add(initial[i]);
    }
    Arrays.sort(initial);
    ScoreMultiset set = ScoreMultiset.ofSorted(initial);
    for (int step = 0; step < 20_000; step++) {
      // Drifts between near empty and about 600 scores, freeing and reusing nodes.
      boolean grows = (step / 2_000) % 2 == 0;
      if (held.isEmpty() || random.nextInt(10) < (grows ? 6 : 4)) {
        float score = score(random);
        set.add(score);
        held.add(score);
      } else {
        set.remove(held.remove(random.nextInt(held.size())));
      }
      float probe = random.nextBoolean() || held.isEmpty() ? score(random) : held.get(0);
      assertThat(set.size()).isEqualTo(held.size());
      assertThat(set.twiceRank(probe)).as("step %d", step).isEqualTo(twiceRank(held, probe));
    }
  }

  /** A tenth, often; -0 or 0 now and then; else any float in [0, 1). */
  private static float score(Random random) {
    int kind = random.nextInt(10);
    return kind < 5 ? random.nextInt(11) / 10f : kind == 5 ? -0f : random.nextFloat();
  }

  private static long twiceRank(List<Float> scores, float score) {
    return scores.stream().mapToLong(s -> s < score ? 2 : s == score ? 1 : 0).sum();
  }
}
