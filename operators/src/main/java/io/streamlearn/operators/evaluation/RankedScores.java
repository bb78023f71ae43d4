package io.streamlearn.operators.evaluation;

import java.util.Arrays;

/**
 * The class-1 scores of a binary window's positives and negatives, each in a {@link ScoreMultiset},
 * and the count that ROC AUC is made of: the (positive, negative) pairs in which the positive
 * scores higher, ties counting half. An outcome that comes or leaves changes the count by its pairs
 * with the other class, O(log n), so the AUC is exact at any time without a sort.
 */
final class RankedScores {

  private final ScoreMultiset positives;
  private final ScoreMultiset negatives;

  /** Twice the pairs the positive wins plus the tied ones: an integer, so nothing drifts. */
  private long twiceWins;

  private RankedScores(ScoreMultiset positives, ScoreMultiset negatives, long twiceWins) {
    this.positives = positives;
    this.negatives = negatives;
    this.twiceWins = twiceWins;
  }

  RankedScores copy() {
    return new RankedScores(positives.copy(), negatives.copy(), twiceWins);
  }

  /** Ranks the scores of the positives and negatives given, sorting the two arrays in place. */
  static RankedScores of(float[] positiveScores, float[] negativeScores) {
    Arrays.sort(positiveScores);
    Arrays.sort(negativeScores);
    // One pass over both sorted arrays: the negatives below (and tied with) each positive.
    long twiceWins = 0;
    int below = 0;
    int belowOrTied = 0;
    for (float score : positiveScores) {
      while (below < negativeScores.length && negativeScores[below] < score) {
        below++;
      }
      belowOrTied = Math.max(belowOrTied, below);
      while (belowOrTied < negativeScores.length && negativeScores[belowOrTied] <= score) {
        belowOrTied++;
      }
      twiceWins += 2L * below + (belowOrTied - below);
    }
    return new RankedScores(
        ScoreMultiset.ofSorted(positiveScores), ScoreMultiset.ofSorted(negativeScores), twiceWins);
  }

  void add(float score, boolean positive) {
    twiceWins += twiceWinsWith(score, positive);
    (positive ? positives : negatives).add(score);
  }

  void remove(float score, boolean positive) {
    (positive ? positives : negatives).remove(score);
    twiceWins -= twiceWinsWith(score, positive);
  }

  /** The share of pairs the positive wins; NaN without a positive or without a negative. */
  double auc() {
    return twiceWins / (2.0 * positives.size() * negatives.size());
  }

  /**
   * Of the pairs that an outcome of {@code score} makes with the other class: twice those the
   * positive wins, plus the tied ones.
   */
  private long twiceWinsWith(float score, boolean positive) {
    return positive
        ? negatives.twiceRank(score)
        : 2L * positives.size() - positives.twiceRank(score);
  }
}
