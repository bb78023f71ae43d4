package io.streamlearn.operators.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The window keeps counts and ranked scores in step with its outcomes: its metrics must equal, bit
 * for bit, those computed from scratch over the outcomes it should hold.
 */
class ClassificationWindowExactnessTest {

  private static final int STEPS = 6_000;

  /**
   * The outcomes come in rounds of this many, and the metrics are compared after each outcome but
   * in two stretches. In one, longer than the count window, AUC is not asked for: the window drops
   * its ranked scores and ranks them anew at the next ask. The other starts with a trip through the
   * encoding: the decoded window takes outcomes before it is asked for any metric (and counts its
   * records), then for all but AUC (and ranks their scores later).
   */
  private static final int ROUND = 1_200;

  private static final int AUC_UNASKED_FROM = 300;
  private static final int AUC_UNASKED_UNTIL = 550;
  private static final int ROUND_TRIP_AT = 600;
  private static final int ASKED_AGAIN_AT = 650;
  private static final int AUC_ASKED_AGAIN_AT = 750;

  enum Task {
    BINARY,
    THREE_CLASSES,
    /** Binary, but now and then an outcome with three scores, over which AUC is undefined. */
    MOSTLY_BINARY
  }

  static Stream<Arguments> windows() {
    WindowBound count = WindowBound.count(200);
    WindowBound time = WindowBound.time(Duration.ofMillis(300));
    return Stream.of(Task.values())
        .flatMap(task -> Stream.of(Arguments.of(count, task), Arguments.of(time, task)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("windows")
  void metricsStayExactAsOutcomesComeAndLeave(WindowBound bound, Task task) {
    Random random = new Random(bound.kind().ordinal() * 10L + task.ordinal());
    ClassificationWindow window = new ClassificationWindow(bound);
    Reference reference = new Reference(bound);
    long newest = 0;
    for (int step = 0; step < STEPS; step++) {
      // Mostly a few ms apart, now and then out of order (merged subtasks) or after a pause
      // that empties a time window.
      newest += random.nextInt(1_000) == 0 ? 1_000 : random.nextInt(4);
      long time = random.nextInt(10) == 0 ? newest - random.nextInt(30) : newest;
      float[] scores = scores(random, task);
      int label = random.nextInt(scores.length);
      int predicted = random.nextInt(3) == 0 ? random.nextInt(scores.length) : label;
      window.add(time, label, predicted, scores);
      reference.add(time, label, predicted, scores);

      int phase = step % ROUND;
      if (phase == ROUND_TRIP_AT) {
        window = (ClassificationWindow) PrequentialWindow.decode(window.encode());
      }
      if (phase >= ROUND_TRIP_AT && phase < ASKED_AGAIN_AT) {
        continue;
      }
      boolean asksAuc =
          phase < AUC_UNASKED_FROM
              || phase >= AUC_UNASKED_UNTIL && phase < ROUND_TRIP_AT
              || phase >= AUC_ASKED_AGAIN_AT;
      assertThat(metricsOf(window, asksAuc))
          .as("after outcome %d", step)
          .isEqualTo(reference.metrics(asksAuc));
    }
  }

  private static Map<String, Double> metricsOf(ClassificationWindow window, boolean withAuc) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("size", (double) window.size());
    metrics.put("accuracy", window.accuracy());
    metrics.put("logLoss", window.logLoss());
    metrics.put("kappa", window.kappa());
    metrics.put("kappaTemporal", window.kappaTemporal());
    if (withAuc) {
      metrics.put("auc", window.auc());
    }
    return metrics;
  }

  /**
   * Class probabilities with many ties: of a binary task, a class-1 score that is often one of a
   * few tenths (among them exactly 0 and 1), sometimes -0, else any float in [0, 1).
   */
  private static float[] scores(Random random, Task task) {
    boolean binary = task == Task.BINARY || task == Task.MOSTLY_BINARY && random.nextInt(400) != 0;
    if (!binary) {
      float first = random.nextInt(5) / 4f;
      float second = (1 - first) * random.nextFloat();
      return new float[] {first, second, 1 - first - second};
    }
    int kind = random.nextInt(20);
    float positive = kind < 8 ? random.nextInt(11) / 10f : kind == 8 ? -0f : random.nextFloat();
    return new float[] {1 - positive, positive};
  }

  private record Outcome(
      long time,
      int label,
      int predicted,
      float labelProbability,
      float positiveScore,
      boolean noChangeRight) {}

  /**
   * The outcomes a window should hold, and its metrics computed from them alone: by the
   * definitions, one scan for each, AUC over every (positive, negative) pair.
   */
  private static final class Reference {

    private final WindowBound bound;
    private final Deque<Outcome> outcomes = new ArrayDeque<>();
    private long newest = Long.MIN_VALUE;
    private int previousLabel = -1;

    Reference(WindowBound bound) {
      this.bound = bound;
    }

    void add(long time, int label, int predicted, float[] scores) {
      newest = Math.max(newest, time);
      while (!outcomes.isEmpty()
          && (bound.kind() == WindowBound.Kind.COUNT
              ? outcomes.size() >= bound.limit()
              : newest - outcomes.peekFirst().time() >= bound.limit())) {
        outcomes.removeFirst();
      }
      float positiveScore = scores.length == 2 ? scores[1] : Float.NaN;
      outcomes.addLast(
          new Outcome(
              time, label, predicted, scores[label], positiveScore, label == previousLabel));
      previousLabel = label;
    }

    Map<String, Double> metrics(boolean withAuc) {
      int size = outcomes.size();
      long correct = outcomes.stream().filter(o -> o.label() == o.predicted()).count();
      double accuracy = (double) correct / size;
      double logLossSum = 0;
      for (Outcome outcome : outcomes) {
        logLossSum -= Math.log(Math.max(outcome.labelProbability(), 1e-15));
      }
      int classes =
          outcomes.stream().mapToInt(o -> Math.max(o.label(), o.predicted()) + 1).max().orElse(0);
      double chanceAgreements = 0;
      for (int k = 0; k < classes; k++) {
        int c = k;
        long labeled = outcomes.stream().filter(o -> o.label() == c).count();
        long predicted = outcomes.stream().filter(o -> o.predicted() == c).count();
        chanceAgreements += (double) labeled * predicted;
      }
      long noChange = outcomes.stream().filter(Outcome::noChangeRight).count();

      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("size", (double) size);
      metrics.put("accuracy", accuracy);
      metrics.put("logLoss", logLossSum / size);
      metrics.put("kappa", kappa(accuracy, chanceAgreements / ((double) size * size)));
      metrics.put("kappaTemporal", kappa(accuracy, (double) noChange / size));
      if (withAuc) {
        metrics.put("auc", auc());
      }
      return metrics;
    }

    private double auc() {
      if (outcomes.stream().anyMatch(o -> Float.isNaN(o.positiveScore()))) {
        return Double.NaN;
      }
      long twiceWins = 0;
      int positives = 0;
      int negatives = 0;
      for (Outcome positive : outcomes) {
        if (positive.label() == 1) {
          positives++;
          for (Outcome negative : outcomes) {
            if (negative.label() == 0) {
              float p = positive.positiveScore();
              float n = negative.positiveScore();
              twiceWins += p > n ? 2 : p == n ? 1 : 0;
            }
          }
        } else {
          negatives++;
        }
      }
      return positives == 0 || negatives == 0
          ? Double.NaN
          : twiceWins / (2.0 * positives * negatives);
    }

    private static double kappa(double observed, double reference) {
      return reference == 1.0 ? Double.NaN : (observed - reference) / (1.0 - reference);
    }
  }
}
