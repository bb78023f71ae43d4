package io.streamlearn.operators.evaluation;

import io.streamlearn.schemas.Prediction;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.ObjDoubleConsumer;

/**
 * Prequential classification metrics over a window: accuracy, log loss, Cohen's kappa,
 * kappa-temporal and, for binary tasks, ROC AUC.
 *
 * <p>Each outcome is one record of 25 bytes: long prediction time, int true label, int predicted
 * label, float probability the model gave the true label, float score of class 1 (NaN unless the
 * task is binary), byte 1 if the no-change classifier (which predicts the previous true label) was
 * right, else 0.
 *
 * <p>Every metric is exactly what a computation from the records alone gives, but a snapshot does
 * not scan the records for each. Accuracy, kappa and kappa-temporal come from integer counts
 * (correct predictions, right no-change predictions, outcomes of each true and each predicted
 * class) kept in step as records come and leave, which a decoded window makes when first asked for
 * a metric. AUC comes from {@link RankedScores}, built from the records (one sort) when asked for.
 * A window asked for AUC again before as many outcomes came as it holds (the job's time window,
 * with a snapshot every thousand outcomes of hundreds of thousands) keeps them in step from then
 * on, at O(log n) per outcome that comes or leaves and 20 bytes per distinct score (up to twice
 * that with the room its arrays keep to grow). It drops them once that many outcomes came without
 * an ask, when rebuilding costs no more than keeping them in step would have: a key's count window,
 * asked once per turnover, costs and holds what it did when every snapshot sorted its scores. Log
 * loss, a sum of doubles that adding and removing terms would make drift, is summed over the window
 * at each snapshot, oldest first as a scan of the records sums it; a window asked for it as often
 * keeps each record's term (8 bytes per slot of its ring) so that the sum takes no logarithm. That
 * sum is the one part of a snapshot whose cost still grows with the window.
 */
public final class ClassificationWindow extends PrequentialWindow {

  static final byte TAG = 'C';

  /** Probabilities are clipped here so that one confident mistake costs a finite log loss. */
  private static final double MIN_PROBABILITY = 1e-15;

  private static final int NO_LABEL = -1;

  private static final long NEVER = Long.MIN_VALUE;

  private static final int LABEL = TIME_BYTES;
  private static final int PREDICTED = LABEL + Integer.BYTES;
  private static final int LABEL_PROBABILITY = PREDICTED + Integer.BYTES;
  private static final int POSITIVE_SCORE = LABEL_PROBABILITY + Float.BYTES;
  private static final int NO_CHANGE_CORRECT = POSITIVE_SCORE + Float.BYTES;
  private static final int WIDTH = NO_CHANGE_CORRECT + 1;

  /**
   * The latest true label, also after its outcome left the window: the no-change classifier's
   * prediction for the next one. Before the first label it has none and counts as wrong.
   */
  private int previousLabel;

  /**
   * Whether the counts below hold the window's records. A decoded window counts them when first
   * asked for a metric, not when decoded: on the RocksDB backend a window is decoded for every
   * batch of predictions, and counting a job's hundreds of thousands of records would triple the
   * cost of decoding and encoding them for the many batches that take no snapshot.
   */
  private boolean counted = true;

  private int correct;
  private int noChangeCorrect;

  /** Outcomes of each true class and predictions of each class, by class: grown as classes come. */
  private int[] labelCounts = new int[2];

  private int[] predictedCounts = new int[2];

  /** Outcomes without a class-1 score, of a task that is not binary: AUC is undefined over them. */
  private int unscored;

  /** The scores of the outcomes while the window keeps them, else null. */
  private RankedScores ranked;

  /** Outcomes added since the window was made or decoded: the clock of {@link #aucAskedAt}. */
  private long added;

  /**
   * When {@link #auc()} was last asked for, by {@link #added}; {@link #NEVER} for a new or decoded
   * window, which keeps its ranked scores from the second ask on: a window decoded for one batch of
   * predictions (on the RocksDB backend) sorts its scores for a snapshot in the batch, as when it
   * kept none, and keeps nothing to update for the rest of the batch.
   */
  private long aucAskedAt = NEVER;

  /**
   * Each record's log of the probability it gave the true class, by its slot in the ring (its
   * offset over the record width), while the window keeps them: from the second ask for log loss
   * within one turnover of the window, as for {@link #ranked}. A snapshot then sums the same terms
   * in the same order as a scan of the records, without a logarithm per record. Null otherwise, and
   * dropped when the ring grows (its records move to other slots).
   */
  private double[] logTerms;

  /** When {@link #logLoss()} was last asked for, by {@link #added}, as {@link #aucAskedAt}. */
  private long logLossAskedAt = NEVER;

  public ClassificationWindow(WindowBound bound) {
    super(bound, WIDTH);
    this.previousLabel = NO_LABEL;
  }

  private ClassificationWindow(
      WindowBound bound, RecordRing records, long newestTime, int previousLabel) {
    super(bound, records, newestTime);
    this.previousLabel = previousLabel;
    this.counted = false;
  }

  private ClassificationWindow(ClassificationWindow from) {
    super(from);
    previousLabel = from.previousLabel;
    counted = from.counted;
    correct = from.correct;
    noChangeCorrect = from.noChangeCorrect;
    labelCounts = from.labelCounts.clone();
    predictedCounts = from.predictedCounts.clone();
    unscored = from.unscored;
    added = from.added;
    ranked = from.ranked;
    aucAskedAt = from.aucAskedAt;
    logTerms = from.logTerms;
    logLossAskedAt = from.logLossAskedAt;
  }

  /**
   * A window of its own with the same records and counts, which takes over the ranked scores and
   * log terms this one keeps. The heap state backend makes the copy the live window and writes this
   * one into its checkpoint, which needs the records alone: copying a job window's ranked scores
   * and log terms (about two million of each) took most of the 40 to 76 ms the copy cost the
   * evaluator's thread at every checkpoint. This window stays whole: asked for AUC or log loss
   * again, it computes them from its records, as a decoded window does.
   */
  @Override
  public ClassificationWindow copy() {
    ClassificationWindow copy = new ClassificationWindow(this);
    ranked = null;
    aucAskedAt = NEVER;
    logTerms = null;
    logLossAskedAt = NEVER;
    return copy;
  }

  static ClassificationWindow read(WindowBound bound, long newestTime, ByteBuffer in) {
    int previousLabel = in.getInt();
    return new ClassificationWindow(bound, readRecords(in, WIDTH), newestTime, previousLabel);
  }

  /** Reads the two scores a record keeps from the list: no array of all scores per outcome. */
  @Override
  public void add(Prediction prediction) {
    List<Float> scores = prediction.getScores();
    int label = prediction.getLabel();
    add(
        prediction.getPredictionTime().toEpochMilli(),
        label,
        prediction.getPredictedLabel(),
        scores.get(label),
        scores.size() == 2 ? scores.get(1) : Float.NaN);
  }

  /**
   * Adds one outcome.
   *
   * @param predictionTime when the prediction was made, epoch milliseconds
   * @param label the true class
   * @param predicted the class the model predicted
   * @param scores the model's class probabilities
   */
  public void add(long predictionTime, int label, int predicted, float[] scores) {
    add(
        predictionTime,
        label,
        predicted,
        scores[label],
        scores.length == 2 ? scores[1] : Float.NaN);
  }

  /** {@code positiveScore} is the score of class 1 in a binary task, else NaN. */
  private void add(
      long predictionTime, int label, int predicted, float labelProbability, float positiveScore) {
    int at = append(predictionTime);
    RecordRing records = records();
    records.putInt(at + LABEL, label);
    records.putInt(at + PREDICTED, predicted);
    records.putFloat(at + LABEL_PROBABILITY, labelProbability);
    records.putFloat(at + POSITIVE_SCORE, positiveScore);
    records.put(at + NO_CHANGE_CORRECT, (byte) (label == previousLabel ? 1 : 0));
    previousLabel = label;
    added++;
    if (!keepsRanking()) {
      ranked = null;
    }
    if (!askedSinceTurnover(logLossAskedAt) || !fitsRing(logTerms)) {
      logTerms = null;
    } else if (logTerms != null) {
      logTerms[at / WIDTH] = logTerm(at);
    }
    if (counted) {
      count(at, 1);
    }
  }

  /** Share of outcomes whose predicted class is the true one. */
  public double accuracy() {
    countRecords();
    return (double) correct / size();
  }

  /** Mean negative natural log of the probability given to the true class. */
  public double logLoss() {
    boolean keep = askedSinceTurnover(logLossAskedAt);
    logLossAskedAt = added;
    double sum = 0;
    if (logTerms == null && !keep) {
      for (int age = 0; age < size(); age++) {
        sum -= logTerm(offset(age));
      }
      return sum / size();
    }
    if (logTerms == null) {
      logTerms = new double[records().slots()];
      for (int age = 0; age < size(); age++) {
        logTerms[offset(age) / WIDTH] = logTerm(offset(age));
      }
    }
    for (int age = 0; age < size(); age++) {
      sum -= logTerms[offset(age) / WIDTH];
    }
    return sum / size();
  }

  /** The log of the probability that the record at {@code at} gave the true class, clipped. */
  private double logTerm(int at) {
    return Math.log(Math.max(records().getFloat(at + LABEL_PROBABILITY), MIN_PROBABILITY));
  }

  /** Whether {@code terms}, if any, has a slot for each record of the ring as it is now. */
  private boolean fitsRing(double[] terms) {
    return terms == null || terms.length == records().slots();
  }

  /**
   * Cohen's kappa: accuracy relative to the agreement expected by chance from the window's label
   * and prediction marginals. NaN when chance agreement is certain (one class throughout).
   */
  public double kappa() {
    countRecords();
    double chanceAgreements = 0;
    // Past the end of either array, as for a class no outcome in the window has, a count is 0: the
    // product adds nothing, so the sum is the one over the classes the window's outcomes have.
    for (int k = 0; k < Math.min(labelCounts.length, predictedCounts.length); k++) {
      chanceAgreements += (double) labelCounts[k] * predictedCounts[k];
    }
    return kappa(accuracy(), chanceAgreements / ((double) size() * size()));
  }

  /**
   * Kappa-temporal (Žliobaitė et al., 2015): accuracy relative to the no-change classifier, which
   * predicts the previous true label. At most 0 when the model does no better than that; NaN when
   * the no-change classifier is right throughout the window.
   */
  public double kappaTemporal() {
    countRecords();
    return kappa(accuracy(), (double) noChangeCorrect / size());
  }

  /**
   * ROC AUC of the class-1 scores, exact over the window: the share of (positive, negative) pairs
   * in which the positive scores higher, ties counting half. NaN unless every outcome is of a
   * binary task and both classes occur.
   */
  public double auc() {
    countRecords();
    if (unscored > 0) {
      return Double.NaN;
    }
    RankedScores scores = ranked == null ? rank() : ranked;
    ranked = keepsRanking() ? scores : null;
    aucAskedAt = added;
    return scores.auc();
  }

  @Override
  void computeMetrics(ObjDoubleConsumer<String> metrics) {
    metrics.accept("accuracy", accuracy());
    metrics.accept("logLoss", logLoss());
    metrics.accept("kappa", kappa());
    metrics.accept("kappaTemporal", kappaTemporal());
    metrics.accept("auc", auc());
  }

  @Override
  byte taskTag() {
    return TAG;
  }

  @Override
  int taskFieldBytes() {
    return Integer.BYTES;
  }

  @Override
  void writeTaskFields(ByteBuffer out) {
    out.putInt(previousLabel);
  }

  @Override
  void dropping(int at) {
    if (counted) {
      count(at, -1);
    }
  }

  private void countRecords() {
    if (!counted) {
      counted = true;
      for (int age = 0; age < size(); age++) {
        count(offset(age), 1);
      }
    }
  }

  /** Counts the record at {@code at} in ({@code change} 1) or out ({@code change} -1). */
  private void count(int at, int change) {
    RecordRing records = records();
    int label = records.getInt(at + LABEL);
    int predicted = records.getInt(at + PREDICTED);
    float positiveScore = records.getFloat(at + POSITIVE_SCORE);
    if (label == predicted) {
      correct += change;
    }
    noChangeCorrect += change * records.get(at + NO_CHANGE_CORRECT);
    labelCounts = count(labelCounts, label, change);
    predictedCounts = count(predictedCounts, predicted, change);
    if (Float.isNaN(positiveScore)) {
      unscored += change;
    } else if (ranked != null && change > 0) {
      ranked.add(positiveScore, label == 1);
    } else if (ranked != null) {
      ranked.remove(positiveScore, label == 1);
    }
  }

  /** {@code counts} with {@code change} added to class {@code k}'s, grown to hold it if need be. */
  private static int[] count(int[] counts, int k, int change) {
    int[] grown =
        k < counts.length ? counts : Arrays.copyOf(counts, Math.max(k + 1, 2 * counts.length));
    grown[k] += change;
    return grown;
  }

  /**
   * Whether AUC was asked for since the window last turned over: if so ranked scores kept in step
   * save work, else rebuilding them at the next ask costs no more.
   */
  private boolean keepsRanking() {
    return askedSinceTurnover(aucAskedAt);
  }

  /** Whether a metric last asked for at {@code askedAt} was asked since the window turned over. */
  private boolean askedSinceTurnover(long askedAt) {
    return askedAt > added - size();
  }

  /** Ranks the scores of the window's outcomes, which all have one: a binary task's. */
  private RankedScores rank() {
    float[] positiveScores = new float[labelCounts[1]];
    float[] negativeScores = new float[size() - labelCounts[1]];
    int p = 0;
    int n = 0;
    for (int age = 0; age < size(); age++) {
      if (label(age) == 1) {
        positiveScores[p++] = positiveScore(age);
      } else {
        negativeScores[n++] = positiveScore(age);
      }
    }
    return RankedScores.of(positiveScores, negativeScores);
  }

  /** How far {@code observed} agreement is from {@code reference} agreement towards perfect. */
  private static double kappa(double observed, double reference) {
    return reference == 1.0 ? Double.NaN : (observed - reference) / (1.0 - reference);
  }

  private int label(int age) {
    return records().getInt(offset(age) + LABEL);
  }

  private float positiveScore(int age) {
    return records().getFloat(offset(age) + POSITIVE_SCORE);
  }
}
