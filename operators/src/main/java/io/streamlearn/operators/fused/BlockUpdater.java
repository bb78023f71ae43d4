package io.streamlearn.operators.fused;

import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * One DL4J updater applied to one key's part of an updater block ({@link KeyBlock}): the key's
 * gradient for the block becomes the update that is subtracted from the parameters, and the key's
 * state for the block is advanced in place. The formulas are those of libnd4j's updater ops that
 * DL4J's {@code org.nd4j.linalg.learning.*Updater} classes call, term for term; the state layout is
 * DL4J's too: Adam keeps all first moments of the block, then all second moments. Plain Java loops
 * over the key's values, in double precision: through ND4J each of a step's two dozen operations
 * paid more for its arrays than a small network's update costs.
 */
abstract sealed class BlockUpdater {

  /** Values of updater state per parameter. */
  abstract int stateSize();

  /**
   * One key's part of the block, in the arrays of all keys: {@code length} gradient values from
   * {@code from}, and {@code stateSize() * length} values of updater state from {@code stateFrom}.
   */
  record KeyBlock(double[] gradient, int from, int length, double[] state, int stateFrom) {}

  /**
   * @param learningRate the key's learning rate at its iteration, its drift factor included
   * @param iteration the key's iteration count before the step
   */
  abstract void apply(KeyBlock block, double learningRate, int iteration, int epoch);

  static BlockUpdater of(IUpdater configuration) {
    if (configuration instanceof Sgd) {
      return new SgdStep();
    }
    if (configuration instanceof Nesterovs nesterovs) {
      return new NesterovsStep(nesterovs);
    }
    // AMSGrad, AdaMax and Nadam are no subclasses of Adam, so this matches Adam alone.
    if (configuration instanceof Adam adam) {
      return new AdamStep(adam);
    }
    if (configuration instanceof RmsProp rmsProp) {
      return ScaledByRootStep.rmsProp(rmsProp);
    }
    if (configuration instanceof AdaGrad adaGrad) {
      return ScaledByRootStep.adaGrad(adaGrad);
    }
    throw new NotFusableException(
        "the updater "
            + configuration.getClass().getSimpleName()
            + " is not one of Sgd, Nesterovs, Adam, RmsProp and AdaGrad");
  }

  private static final class SgdStep extends BlockUpdater {
    @Override
    int stateSize() {
      return 0;
    }

    @Override
    void apply(KeyBlock block, double learningRate, int iteration, int epoch) {
      double[] gradient = block.gradient();
      for (int i = block.from(); i < block.from() + block.length(); i++) {
        gradient[i] *= learningRate;
      }
    }
  }

  private static final class NesterovsStep extends BlockUpdater {
    private final Nesterovs configuration;

    NesterovsStep(Nesterovs configuration) {
      this.configuration = configuration;
    }

    @Override
    int stateSize() {
      return 1;
    }

    @Override
    void apply(KeyBlock block, double learningRate, int iteration, int epoch) {
      double[] gradient = block.gradient();
      int from = block.from();
      int length = block.length();
      double[] velocity = block.state();
      int stateFrom = block.stateFrom();
      double momentum = configuration.currentMomentum(iteration, epoch);
      for (int i = 0; i < length; i++) {
        // v' = mu v - lr g; update = mu v - (1 + mu) v'
        double previous = momentum * velocity[stateFrom + i];
        double next = previous - learningRate * gradient[from + i];
        velocity[stateFrom + i] = next;
        gradient[from + i] = previous - (momentum + 1) * next;
      }
    }
  }

  private static final class AdamStep extends BlockUpdater {
    private final double beta1;
    private final double beta2;
    private final double epsilon;

    AdamStep(Adam configuration) {
      beta1 = configuration.getBeta1();
      beta2 = configuration.getBeta2();
      epsilon = configuration.getEpsilon() == 0 ? 1e-7 : configuration.getEpsilon();
    }

    @Override
    int stateSize() {
      return 2;
    }

    @Override
    void apply(KeyBlock block, double learningRate, int iteration, int epoch) {
      double[] gradient = block.gradient();
      int from = block.from();
      int length = block.length();
      double[] state = block.state();
      int stateFrom = block.stateFrom();
      double stepSize = biasCorrectedRate(learningRate, iteration);
      int firstMoments = stateFrom;
      int secondMoments = stateFrom + length;
      for (int i = 0; i < length; i++) {
        double g = gradient[from + i];
        double m = beta1 * state[firstMoments + i] + (1 - beta1) * g;
        double v = beta2 * state[secondMoments + i] + (1 - beta2) * g * g;
        state[firstMoments + i] = m;
        state[secondMoments + i] = v;
        gradient[from + i] = m * stepSize / (Math.sqrt(v) + epsilon);
      }
    }

    /** libnd4j's epsilonT: the learning rate with both moments' bias correction folded in. */
    private double biasCorrectedRate(double learningRate, int iteration) {
      double beta1Power = Math.pow(beta1, iteration + 1);
      double beta2Power = Math.pow(beta2, iteration + 1);
      double rate = learningRate * Math.sqrt(1 - beta2Power) / (1 - beta1Power);
      return Double.isFinite(rate) && rate != 0 ? rate : epsilon;
    }
  }

  /**
   * RmsProp and AdaGrad: each keeps one accumulator of squared gradients per parameter, a decaying
   * mean ({@code decay a + (1 - decay) g^2}) or a sum ({@code a + g^2}), and the update is {@code
   * lr g / (sqrt(a) + epsilon)}.
   */
  private static final class ScaledByRootStep extends BlockUpdater {
    private final double keep;
    private final double add;
    private final double epsilon;

    private ScaledByRootStep(double keep, double add, double epsilon) {
      this.keep = keep;
      this.add = add;
      this.epsilon = epsilon;
    }

    static ScaledByRootStep rmsProp(RmsProp configuration) {
      double decay = configuration.getRmsDecay();
      return new ScaledByRootStep(decay, 1 - decay, configuration.getEpsilon());
    }

    static ScaledByRootStep adaGrad(AdaGrad configuration) {
      double epsilon = configuration.getEpsilon();
      return new ScaledByRootStep(1, 1, epsilon == 0 ? 1e-7 : epsilon);
    }

    @Override
    int stateSize() {
      return 1;
    }

    @Override
    void apply(KeyBlock block, double learningRate, int iteration, int epoch) {
      double[] gradient = block.gradient();
      int from = block.from();
      double[] accumulated = block.state();
      int stateFrom = block.stateFrom();
      for (int i = 0; i < block.length(); i++) {
        double g = gradient[from + i];
        double a = keep * accumulated[stateFrom + i] + add * g * g;
        accumulated[stateFrom + i] = a;
        gradient[from + i] = learningRate * g / (Math.sqrt(a) + epsilon);
      }
    }
  }
}
