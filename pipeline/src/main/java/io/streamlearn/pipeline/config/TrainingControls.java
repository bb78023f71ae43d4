package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DROPOUT;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_GRADIENT_NORMALIZATION;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_GRADIENT_NORMALIZATION_THRESHOLD;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_L1;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_L2;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE_DECAY_RATE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE_MAX;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE_POWER;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE_SCHEDULE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE_STEPS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER_BETA1;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER_BETA2;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER_EPSILON;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER_MOMENTUM;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER_RHO;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER_WEIGHT_DECAY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_WEIGHT_DECAY;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.CycleSchedule;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.InverseSchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.SigmoidSchedule;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * How the network trains, whatever its layers: the updater with its parameters, the learning rate
 * schedule, and regularization (L1, L2, weight decay, dropout, gradient normalization). Every
 * schedule is one of DL4J's own, stepped by the iteration count (which Streamlearn keeps per key),
 * so a published model's JSON loads in plain DL4J.
 */
final class TrainingControls {

  /** Weight decay of ADAMW when model.updater.weight-decay is not set. */
  static final double DEFAULT_ADAMW_WEIGHT_DECAY = 0.01;

  /** Threshold of the Clip* gradient normalizations when none is given. */
  static final double DEFAULT_CLIPPING_THRESHOLD = 1.0;

  /** POLY and WARMUP are tables with one entry per step in the network's JSON: keep them small. */
  static final int MAX_TABLE_STEPS = 10_000;

  /** The updater's own parameters, each with the updaters that take it. */
  private static final Map<ConfigOption<Double>, Set<UpdaterType>> UPDATER_PARAMETERS =
      orderedMap(
          MODEL_UPDATER_BETA1, adamFamily(),
          MODEL_UPDATER_BETA2, adamFamily(),
          MODEL_UPDATER_EPSILON,
              EnumSet.complementOf(EnumSet.of(UpdaterType.SGD, UpdaterType.NESTEROVS)),
          MODEL_UPDATER_MOMENTUM, EnumSet.of(UpdaterType.NESTEROVS),
          MODEL_UPDATER_RHO, EnumSet.of(UpdaterType.RMSPROP, UpdaterType.ADADELTA),
          MODEL_UPDATER_WEIGHT_DECAY, EnumSet.of(UpdaterType.ADAMW));

  /** The schedule's parameters, each with the schedules that need it. */
  private static final Map<ConfigOption<?>, Set<LearningRateSchedule>> SCHEDULE_PARAMETERS =
      orderedMap(
          MODEL_LEARNING_RATE_DECAY_RATE,
              EnumSet.of(
                  LearningRateSchedule.STEP,
                  LearningRateSchedule.EXPONENTIAL,
                  LearningRateSchedule.INVERSE,
                  LearningRateSchedule.SIGMOID),
          MODEL_LEARNING_RATE_STEPS,
              EnumSet.of(
                  LearningRateSchedule.STEP,
                  LearningRateSchedule.POLY,
                  LearningRateSchedule.SIGMOID,
                  LearningRateSchedule.CYCLIC,
                  LearningRateSchedule.WARMUP),
          MODEL_LEARNING_RATE_POWER,
              EnumSet.of(LearningRateSchedule.INVERSE, LearningRateSchedule.POLY),
          MODEL_LEARNING_RATE_MAX, EnumSet.of(LearningRateSchedule.CYCLIC));

  /** Options without a default that a configuration may leave unset. */
  static final List<ConfigOption<?>> OPTIONAL =
      Stream.of(
              Stream.of(
                  StreamlearnOptions.MODEL_LAYERS,
                  StreamlearnOptions.MODEL_LOSS,
                  MODEL_GRADIENT_NORMALIZATION_THRESHOLD),
              UPDATER_PARAMETERS.keySet().stream(),
              SCHEDULE_PARAMETERS.keySet().stream())
          .<ConfigOption<?>>flatMap(options -> options)
          .toList();

  /** Every key this class reads: a network file replaces them all. */
  static final List<ConfigOption<?>> KEYS =
      Stream.of(
              Stream.of(
                  MODEL_UPDATER,
                  MODEL_LEARNING_RATE,
                  MODEL_LEARNING_RATE_SCHEDULE,
                  MODEL_L1,
                  MODEL_L2,
                  MODEL_WEIGHT_DECAY,
                  MODEL_DROPOUT,
                  MODEL_GRADIENT_NORMALIZATION,
                  MODEL_GRADIENT_NORMALIZATION_THRESHOLD),
              UPDATER_PARAMETERS.keySet().stream(),
              SCHEDULE_PARAMETERS.keySet().stream())
          .<ConfigOption<?>>flatMap(options -> options)
          .toList();

  private TrainingControls() {}

  /**
   * Sets the updater and regularization on the builder. Settings at their defaults add nothing to
   * the configuration, so that the JSON, and with it the config digest, of a network that does not
   * use them stays what it was before they existed.
   */
  static void applyTo(NeuralNetConfiguration.Builder builder, ReadableConfig options) {
    builder.updater(updater(options));
    builder.l2(options.get(MODEL_L2));
    if (options.get(MODEL_L1) > 0) {
      builder.l1(options.get(MODEL_L1));
    }
    double weightDecay = weightDecay(options);
    if (weightDecay > 0) {
      builder.weightDecay(weightDecay);
    }
    if (options.get(MODEL_DROPOUT) > 0) {
      builder.dropOut(retainProbability(options.get(MODEL_DROPOUT)));
    }
    GradientNormalization normalization = options.get(MODEL_GRADIENT_NORMALIZATION);
    if (normalization != GradientNormalization.None) {
      builder
          .gradientNormalization(normalization)
          .gradientNormalizationThreshold(
              or(options, MODEL_GRADIENT_NORMALIZATION_THRESHOLD, DEFAULT_CLIPPING_THRESHOLD));
    }
  }

  /** DL4J's dropOut(x) takes the probability of keeping an input; users give that of dropping. */
  static double retainProbability(double dropProbability) {
    return 1.0 - dropProbability;
  }

  /** The configured updater, its learning rate following the schedule. */
  static IUpdater updater(ReadableConfig options) {
    double rate = options.get(MODEL_LEARNING_RATE);
    UpdaterType type = options.get(MODEL_UPDATER);
    IUpdater updater =
        switch (type) {
          case SGD -> new Sgd(rate);
            // The one-argument Nesterovs constructor takes the momentum, not the learning rate.
          case NESTEROVS ->
              new Nesterovs(
                  rate, or(options, MODEL_UPDATER_MOMENTUM, Nesterovs.DEFAULT_NESTEROV_MOMENTUM));
          case ADAM, ADAMW -> moments(options, rate, Adam::new);
          case ADAMAX -> moments(options, rate, AdaMax::new);
          case NADAM -> moments(options, rate, Nadam::new);
          case AMSGRAD -> moments(options, rate, AMSGrad::new);
          case ADAGRAD ->
              new AdaGrad(
                  rate, or(options, MODEL_UPDATER_EPSILON, AdaGrad.DEFAULT_ADAGRAD_EPSILON));
          case RMSPROP ->
              new RmsProp(
                  rate,
                  or(options, MODEL_UPDATER_RHO, RmsProp.DEFAULT_RMSPROP_RMSDECAY),
                  or(options, MODEL_UPDATER_EPSILON, RmsProp.DEFAULT_RMSPROP_EPSILON));
          case ADADELTA ->
              new AdaDelta(
                  or(options, MODEL_UPDATER_RHO, AdaDelta.DEFAULT_ADADELTA_RHO),
                  or(options, MODEL_UPDATER_EPSILON, AdaDelta.DEFAULT_ADADELTA_EPSILON));
        };
    ISchedule schedule = schedule(options);
    if (schedule != null) {
      updater.setLrAndSchedule(rate, schedule);
    }
    return updater;
  }

  /** The constructor that Adam and its variants share. */
  private interface MomentUpdater {
    IUpdater create(double learningRate, double beta1, double beta2, double epsilon);
  }

  /**
   * An updater of Adam's family with the given parameters, or DL4J's defaults, which are the same
   * for all of them (0.9, 0.999, 1e-8).
   */
  private static IUpdater moments(ReadableConfig options, double rate, MomentUpdater updater) {
    return updater.create(
        rate,
        or(options, MODEL_UPDATER_BETA1, Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY),
        or(options, MODEL_UPDATER_BETA2, Adam.DEFAULT_ADAM_BETA2_VAR_DECAY),
        or(options, MODEL_UPDATER_EPSILON, Adam.DEFAULT_ADAM_EPSILON));
  }

  /**
   * Weight decay coefficient: model.weight-decay, plus for ADAMW the decoupled decay that makes
   * Adam AdamW (DL4J's WeightDecay applies it with the learning rate, apart from the gradient).
   */
  static double weightDecay(ReadableConfig options) {
    double adamW =
        options.get(MODEL_UPDATER) == UpdaterType.ADAMW
            ? or(options, MODEL_UPDATER_WEIGHT_DECAY, DEFAULT_ADAMW_WEIGHT_DECAY)
            : 0.0;
    return options.get(MODEL_WEIGHT_DECAY) + adamW;
  }

  /** The DL4J schedule of the learning rate, or null for a constant one. */
  static ISchedule schedule(ReadableConfig options) {
    double rate = options.get(MODEL_LEARNING_RATE);
    ScheduleType perStep = ScheduleType.ITERATION;
    return switch (options.get(MODEL_LEARNING_RATE_SCHEDULE)) {
      case NONE -> null;
      case STEP ->
          new StepSchedule(
              perStep,
              rate,
              options.get(MODEL_LEARNING_RATE_DECAY_RATE),
              options.get(MODEL_LEARNING_RATE_STEPS));
      case EXPONENTIAL ->
          new ExponentialSchedule(perStep, rate, options.get(MODEL_LEARNING_RATE_DECAY_RATE));
      case INVERSE ->
          new InverseSchedule(
              perStep,
              rate,
              options.get(MODEL_LEARNING_RATE_DECAY_RATE),
              options.get(MODEL_LEARNING_RATE_POWER));
        // DL4J 1.0.0-M2.1's PolySchedule computes lr * (1 + i/steps)^power, which grows.
      case POLY -> {
        double power = options.get(MODEL_LEARNING_RATE_POWER);
        int steps = options.get(MODEL_LEARNING_RATE_STEPS);
        yield table(steps, step -> rate * Math.pow(1.0 - (double) step / steps, power));
      }
      case SIGMOID ->
          new SigmoidSchedule(
              perStep,
              rate,
              options.get(MODEL_LEARNING_RATE_DECAY_RATE),
              options.get(MODEL_LEARNING_RATE_STEPS));
        // No annealing tail and a decay of 1: a plain triangle, repeated every cycle.
      case CYCLIC ->
          new CycleSchedule(
              perStep,
              rate,
              options.get(MODEL_LEARNING_RATE_MAX),
              options.get(MODEL_LEARNING_RATE_STEPS),
              0,
              1.0);
      case WARMUP -> {
        int steps = options.get(MODEL_LEARNING_RATE_STEPS);
        yield table(steps, step -> rate * (step + 1) / steps);
      }
    };
  }

  /**
   * The rate of each of the first {@code steps} steps, held at its last value after them. A
   * MapSchedule, one entry per step, because it is one of DL4J's own schedules and so reads back
   * from a published model's JSON (DL4J's RampSchedule, a warm-up, does not).
   */
  private static ISchedule table(int steps, IntToDoubleFunction rateAt) {
    Map<Integer, Double> values = new LinkedHashMap<>();
    for (int step = 0; step < steps; step++) {
      values.put(step, rateAt.applyAsDouble(step));
    }
    return new MapSchedule(ScheduleType.ITERATION, values);
  }

  /**
   * Each updater parameter only for the updaters that take it, each schedule parameter given for
   * its schedule and only for it, and the values that combine into a usable schedule.
   */
  static void check(Configuration values, Problems problems) {
    if (problems.concernAny(KEYS)) {
      return;
    }
    UpdaterType updater = values.get(MODEL_UPDATER);
    UPDATER_PARAMETERS.forEach(
        (parameter, updaters) -> {
          if (values.contains(parameter) && !updaters.contains(updater)) {
            problems.add(
                parameter,
                "only used by the updaters "
                    + names(updaters)
                    + ", but "
                    + MODEL_UPDATER.key()
                    + " is "
                    + updater);
          }
        });
    LearningRateSchedule schedule = values.get(MODEL_LEARNING_RATE_SCHEDULE);
    SCHEDULE_PARAMETERS.forEach(
        (parameter, schedules) -> {
          boolean needed = schedules.contains(schedule);
          if (needed && !values.contains(parameter)) {
            problems.add(
                parameter,
                "required when " + MODEL_LEARNING_RATE_SCHEDULE.key() + " is " + schedule);
          } else if (!needed && values.contains(parameter)) {
            problems.add(
                parameter,
                "only used by the schedules "
                    + names(schedules)
                    + ", but "
                    + MODEL_LEARNING_RATE_SCHEDULE.key()
                    + " is "
                    + schedule);
          }
        });
    if (updater == UpdaterType.ADADELTA && schedule != LearningRateSchedule.NONE) {
      problems.add(
          MODEL_LEARNING_RATE_SCHEDULE,
          schedule + " schedules a learning rate, but ADADELTA has none; use NONE");
    }
    if (schedule == LearningRateSchedule.CYCLIC
        && values.contains(MODEL_LEARNING_RATE_MAX)
        && values.get(MODEL_LEARNING_RATE_MAX) <= values.get(MODEL_LEARNING_RATE)) {
      problems.add(
          MODEL_LEARNING_RATE_MAX,
          values.get(MODEL_LEARNING_RATE_MAX)
              + " must be above "
              + MODEL_LEARNING_RATE.key()
              + " ("
              + values.get(MODEL_LEARNING_RATE)
              + "), where a CYCLIC schedule starts and ends each cycle");
    }
    if ((schedule == LearningRateSchedule.WARMUP || schedule == LearningRateSchedule.POLY)
        && values.contains(MODEL_LEARNING_RATE_STEPS)
        && values.get(MODEL_LEARNING_RATE_STEPS) > MAX_TABLE_STEPS) {
      problems.add(
          MODEL_LEARNING_RATE_STEPS,
          values.get(MODEL_LEARNING_RATE_STEPS)
              + " steps is more than "
              + MAX_TABLE_STEPS
              + ", the most a "
              + schedule
              + " schedule takes (it is a table of one rate per step in the network's JSON)");
    }
    if (values.contains(MODEL_GRADIENT_NORMALIZATION_THRESHOLD)
        && !values.get(MODEL_GRADIENT_NORMALIZATION).name().startsWith("Clip")) {
      problems.add(
          MODEL_GRADIENT_NORMALIZATION_THRESHOLD,
          "only used by the Clip* modes of "
              + MODEL_GRADIENT_NORMALIZATION.key()
              + ", but it is "
              + values.get(MODEL_GRADIENT_NORMALIZATION));
    }
  }

  private static double or(ReadableConfig options, ConfigOption<Double> option, double fallback) {
    return options.getOptional(option).orElse(fallback);
  }

  private static Set<UpdaterType> adamFamily() {
    return EnumSet.of(
        UpdaterType.ADAM,
        UpdaterType.ADAMW,
        UpdaterType.ADAMAX,
        UpdaterType.NADAM,
        UpdaterType.AMSGRAD);
  }

  private static String names(Set<? extends Enum<?>> constants) {
    return constants.stream().map(Enum::name).collect(Collectors.joining(", "));
  }

  private static <K, V> Map<K, V> orderedMap(Object... keysAndValues) {
    Map<K, V> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      @SuppressWarnings("unchecked")
      K key = (K) keysAndValues[i];
      @SuppressWarnings("unchecked")
      V value = (V) keysAndValues[i + 1];
      map.put(key, value);
    }
    return map;
  }
}
