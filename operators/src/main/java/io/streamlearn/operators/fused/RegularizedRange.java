package io.streamlearn.operators.fused;

import java.util.List;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * One parameter of one layer (a weight matrix or a bias) with the regularization DL4J applies to
 * it: L2 adds {@code l2 * w} to the gradient before the updater, weight decay adds {@code lr * wd *
 * w} (or {@code wd * w}) to the update after it, in the order the configuration lists them. Offsets
 * are within a key's flat parameter vector; {@code keyStart} is where that key's vector starts.
 */
record RegularizedRange(int start, int end, List<Regularization> regularizations) {

  /** Fails with the reason when a regularization is one the fused core does not apply. */
  RegularizedRange {
    regularizations = regularizations == null ? List.of() : List.copyOf(regularizations);
    for (Regularization regularization : regularizations) {
      if (!(regularization instanceof L2Regularization)
          && !(regularization instanceof WeightDecay)) {
        throw new NotFusableException(
            "the regularization "
                + regularization.getClass().getSimpleName()
                + " is not L2 or weight decay");
      }
    }
  }

  /** L2: into the key's gradient, before its updater runs. */
  void beforeUpdater(
      double[] parameters, double[] gradient, int keyStart, int iteration, int epoch) {
    for (Regularization regularization : regularizations) {
      if (regularization instanceof L2Regularization l2) {
        addScaled(parameters, gradient, keyStart, l2.getL2().valueAt(iteration, epoch));
      }
    }
  }

  /** Weight decay: into the key's update, after its updater ran. */
  void afterUpdater(
      double[] parameters,
      double[] update,
      int keyStart,
      double learningRate,
      int iteration,
      int epoch) {
    for (Regularization regularization : regularizations) {
      if (regularization instanceof WeightDecay decay) {
        double coefficient =
            decay.getCoeff().valueAt(iteration, epoch) * (decay.isApplyLR() ? learningRate : 1.0);
        addScaled(parameters, update, keyStart, coefficient);
      }
    }
  }

  /**
   * The key's regularization score, {@code 0.5 * coefficient * sum(w^2)} for L2 and weight decay
   * alike, as DL4J adds it to the score of a step: taken before the step changes the parameters.
   */
  double score(double[] parameters, int keyStart, int iteration, int epoch) {
    if (regularizations.isEmpty()) {
      return 0;
    }
    double squares = 0;
    for (int i = keyStart + start; i < keyStart + end; i++) {
      squares += parameters[i] * parameters[i];
    }
    double score = 0;
    for (Regularization regularization : regularizations) {
      double coefficient =
          regularization instanceof L2Regularization l2
              ? l2.getL2().valueAt(iteration, epoch)
              : ((WeightDecay) regularization).getCoeff().valueAt(iteration, epoch);
      score += 0.5 * coefficient * squares;
    }
    return score;
  }

  /** target[range] += coefficient * parameters[range], in the key's vectors. */
  private void addScaled(double[] parameters, double[] target, int keyStart, double coefficient) {
    for (int i = keyStart + start; i < keyStart + end; i++) {
      target[i] += coefficient * parameters[i];
    }
  }
}
