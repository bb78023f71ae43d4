package io.streamlearn.operators.fused;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One DL4J updater applied to the gradients of K keys at once: the gradient, [K, n], becomes the
 * update that is subtracted from the parameters, and the updater state, [K, stateSize * n], is
 * advanced in place. The formulas are those of libnd4j's updater ops that DL4J's {@code
 * org.nd4j.linalg.learning.*Updater} classes call, term for term, with each key's learning rate
 * (and momentum, bias correction) as its own column. The state layout is DL4J's too: Adam keeps all
 * first moments of the block, then all second moments.
 */
abstract sealed class BlockUpdater {

  /** Values of updater state per parameter. */
  abstract int stateSize();

  abstract void apply(INDArray gradient, INDArray state, KeyColumns keys, int epoch);

  static BlockUpdater of(IUpdater configuration) {
    if (configuration instanceof Sgd sgd) {
      return new SgdStep(sgd);
    }
    if (configuration instanceof Nesterovs nesterovs) {
      return new NesterovsStep(nesterovs);
    }
    // AMSGrad, AdaMax and Nadam are no subclasses of Adam, so this matches Adam alone.
    if (configuration instanceof Adam adam) {
      return new AdamStep(adam);
    }
    if (configuration instanceof RmsProp rmsProp) {
      return new RmsPropStep(rmsProp);
    }
    if (configuration instanceof AdaGrad adaGrad) {
      return new AdaGradStep(adaGrad);
    }
    throw new NotFusableException(
        "the updater "
            + configuration.getClass().getSimpleName()
            + " is not one of Sgd, Nesterovs, Adam, RmsProp and AdaGrad");
  }

  /**
   * The columns {@code [index * n, (index + 1) * n)} of the state: one of its per-parameter parts.
   */
  static INDArray part(INDArray state, int index, long n) {
    return state.get(NDArrayIndex.all(), NDArrayIndex.interval(index * n, (index + 1) * n));
  }

  private static final class SgdStep extends BlockUpdater {
    private final Sgd configuration;

    SgdStep(Sgd configuration) {
      this.configuration = configuration;
    }

    @Override
    int stateSize() {
      return 0;
    }

    @Override
    void apply(INDArray gradient, INDArray state, KeyColumns keys, int epoch) {
      gradient.muliColumnVector(keys.learningRates(configuration, epoch));
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
    void apply(INDArray gradient, INDArray velocity, KeyColumns keys, int epoch) {
      INDArray learningRate = keys.learningRates(configuration, epoch);
      INDArray momentum = keys.of(it -> configuration.currentMomentum(it, epoch));
      // v' = mu v - lr g; update = mu v - (1 + mu) v'
      INDArray previous = velocity.mulColumnVector(momentum);
      velocity.assign(previous.sub(gradient.mulColumnVector(learningRate)));
      gradient.assign(previous.addi(velocity.mulColumnVector(momentum.add(1).negi())));
    }
  }

  private static final class AdamStep extends BlockUpdater {
    private final Adam configuration;

    AdamStep(Adam configuration) {
      this.configuration = configuration;
    }

    @Override
    int stateSize() {
      return 2;
    }

    @Override
    void apply(INDArray gradient, INDArray state, KeyColumns keys, int epoch) {
      long n = gradient.columns();
      INDArray m = part(state, 0, n);
      INDArray v = part(state, 1, n);
      double beta1 = configuration.getBeta1();
      double beta2 = configuration.getBeta2();
      double epsilon = configuration.getEpsilon() == 0 ? 1e-7 : configuration.getEpsilon();
      m.muli(beta1).addi(gradient.mul(1 - beta1));
      v.muli(beta2).addi(gradient.mul(gradient).muli(1 - beta2));
      INDArray stepSize =
          keys.ofLearningRate(
              configuration, epoch, (rate, it) -> biasCorrectedRate(rate, it, epsilon));
      gradient.assign(m).muliColumnVector(stepSize).divi(Transforms.sqrt(v, true).addi(epsilon));
    }

    /** libnd4j's epsilonT: the learning rate with both moments' bias correction folded in. */
    private double biasCorrectedRate(double learningRate, int iteration, double epsilon) {
      double beta1Power = Math.pow(configuration.getBeta1(), iteration + 1);
      double beta2Power = Math.pow(configuration.getBeta2(), iteration + 1);
      double rate = learningRate * Math.sqrt(1 - beta2Power) / (1 - beta1Power);
      return Double.isFinite(rate) && rate != 0 ? rate : epsilon;
    }
  }

  private static final class RmsPropStep extends BlockUpdater {
    private final RmsProp configuration;

    RmsPropStep(RmsProp configuration) {
      this.configuration = configuration;
    }

    @Override
    int stateSize() {
      return 1;
    }

    @Override
    void apply(INDArray gradient, INDArray meanSquare, KeyColumns keys, int epoch) {
      double decay = configuration.getRmsDecay();
      meanSquare.muli(decay).addi(gradient.mul(gradient).muli(1 - decay));
      scaleByRootOf(meanSquare, configuration.getEpsilon(), gradient, configuration, keys, epoch);
    }
  }

  private static final class AdaGradStep extends BlockUpdater {
    private final AdaGrad configuration;

    AdaGradStep(AdaGrad configuration) {
      this.configuration = configuration;
    }

    @Override
    int stateSize() {
      return 1;
    }

    @Override
    void apply(INDArray gradient, INDArray history, KeyColumns keys, int epoch) {
      history.addi(gradient.mul(gradient));
      double epsilon = configuration.getEpsilon() == 0 ? 1e-7 : configuration.getEpsilon();
      scaleByRootOf(history, epsilon, gradient, configuration, keys, epoch);
    }
  }

  /** update = lr g / (sqrt(accumulated) + epsilon), the last step of RmsProp and AdaGrad. */
  private static void scaleByRootOf(
      INDArray accumulated,
      double epsilon,
      INDArray gradient,
      IUpdater configuration,
      KeyColumns keys,
      int epoch) {
    gradient
        .muliColumnVector(keys.learningRates(configuration, epoch))
        .divi(Transforms.sqrt(accumulated, true).addi(epsilon));
  }
}
