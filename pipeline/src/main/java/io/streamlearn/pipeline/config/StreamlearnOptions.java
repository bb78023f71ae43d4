package io.streamlearn.pipeline.config;

import io.streamlearn.operators.DelayedLabels;
import io.streamlearn.operators.DriftSettings;
import io.streamlearn.operators.FeatureScaling;
import io.streamlearn.operators.InputShape;
import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.DriftReaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.deeplearning4j.nn.conf.GradientNormalization;

/**
 * Every Streamlearn configuration option with its type, default and description: the one list that
 * configuration files are validated against and that docs/configuration.md is generated from.
 * Limits on the values (ranges, allowed names) are declared in OptionConstraints.
 *
 * <p>Keys starting with {@code flink.} are not listed here: they pass through to Flink unchanged.
 */
public final class StreamlearnOptions {

  public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription("Kafka brokers to connect to, as host:port pairs separated by commas.");

  public static final ConfigOption<String> KAFKA_PROPERTIES_FILE =
      ConfigOptions.key("kafka.properties-file")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Kafka client properties file (as Kafka's own tools take with --command-config) with"
                  + " the settings the cluster asks of its clients, such as security.protocol,"
                  + " sasl.mechanism and sasl.jaas.config; every Kafka client of the job and of"
                  + " run uses them. Read by run when it starts; unset: plaintext, no"
                  + " authentication (see docs/operations.md, Authentication).");

  public static final ConfigOption<String> KAFKA_GROUP_ID =
      ConfigOptions.key("kafka.group-id")
          .stringType()
          .defaultValue("streamlearn")
          .withDescription(
              "Consumer group of the samples source. Flink restores offsets from its own"
                  + " checkpoints; it also commits them under this group so that lag can be"
                  + " watched with Kafka's tools.");

  public static final ConfigOption<String> KAFKA_TOPIC_SAMPLES =
      ConfigOptions.key("kafka.topic.samples")
          .stringType()
          .defaultValue("samples")
          .withDescription("Topic the labeled samples are read from.");

  public static final ConfigOption<String> KAFKA_TOPIC_LABELS =
      ConfigOptions.key("kafka.topic.labels")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Topic of labels (SampleLabel records) for samples that were sent without one; unset:"
                  + " no delayed labels. Read like the samples topic (same consumer group,"
                  + " read_committed). A label joins its unlabeled sample by sample id and key"
                  + " within labels.time-to-live; the sample's served prediction is then scored"
                  + " and the sample trained on.");

  public static final ConfigOption<String> KAFKA_TOPIC_PREDICTIONS =
      ConfigOptions.key("kafka.topic.predictions")
          .stringType()
          .defaultValue("predictions")
          .withDescription(
              "Topic the predictions are written to; each sample is predicted before the model"
                  + " trains on it.");

  public static final ConfigOption<String> KAFKA_TOPIC_CHECKPOINTS =
      ConfigOptions.key("kafka.topic.checkpoints")
          .stringType()
          .defaultValue("model-checkpoints")
          .withDescription("Topic model snapshots are published to (see model.checkpoint.*).");

  public static final ConfigOption<String> KAFKA_TOPIC_DEAD_LETTERS =
      ConfigOptions.key("kafka.topic.dead-letters")
          .stringType()
          .defaultValue("dead-letters")
          .withDescription(
              "Topic every record the job cannot use goes to, with its original bytes, its"
                  + " topic, partition and offset, a reason code and a message"
                  + " (see docs/wire-format.md).");

  public static final ConfigOption<String> KAFKA_TOPIC_METRICS =
      ConfigOptions.key("kafka.topic.metrics")
          .stringType()
          .defaultValue("metrics")
          .withDescription(
              "Topic of prequential metric snapshots per key and for the whole job, and of drift"
                  + " detections (MetricsEvent records).");

  public static final ConfigOption<Integer> KAFKA_MAX_RECORD_BYTES =
      ConfigOptions.key("kafka.max-record-bytes")
          .intType()
          .defaultValue(1_048_576)
          .withDescription(
              "Largest sample record accepted, in bytes. Larger records are dead-lettered as"
                  + " RECORD_TOO_LARGE without being decoded.");

  public static final ConfigOption<DeliveryGuarantee> KAFKA_PREDICTIONS_DELIVERY_GUARANTEE =
      ConfigOptions.key("kafka.predictions.delivery-guarantee")
          .enumType(DeliveryGuarantee.class)
          .defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
          .withDescription(
              "How predictions are written. EXACTLY_ONCE: in Kafka transactions committed with"
                  + " each Flink checkpoint, so read-committed consumers see every prediction"
                  + " once, one checkpoint interval late. AT_LEAST_ONCE: visible at once, but"
                  + " after a failure the predictions made since the last checkpoint are written"
                  + " again (same sample id and model version). Model checkpoints and dead"
                  + " letters are always written exactly once.");

  public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
      ConfigOptions.key("kafka.transaction-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "Timeout of the Kafka transactions the exactly-once sinks write in"
                  + " (the producer's transaction.timeout.ms). A transaction stays open from one"
                  + " Flink checkpoint to the next, so this must be longer than"
                  + " job.checkpoint-interval, or the broker aborts the transaction and its records"
                  + " are lost. It must also be at most 15 min, the broker's default"
                  + " transaction.max.timeout.ms: a broker refuses producers that ask for more."
                  + " To go higher, raise that broker setting first.");

  public static final ConfigOption<Integer> BATCH_SIZE =
      ConfigOptions.key("batch.size")
          .intType()
          .defaultValue(16)
          .withDescription(
              "Samples per training step: the model trains on mini-batches this big. Smaller"
                  + " batches take more steps from the same samples, at more cost per sample; the"
                  + " default is chosen by bench/quality (docs/training.md).");

  public static final ConfigOption<Duration> BATCH_MAX_DELAY =
      ConfigOptions.key("batch.max-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(200))
          .withDescription(
              "Longest a sample waits for its mini-batch to fill. A partial batch is trained on"
                  + " when this has passed, so a quiet stream still learns promptly; samples"
                  + " completed by a delayed label wait no longer for their training step. 0 cuts"
                  + " batches by count only, which makes batch boundaries, and so training,"
                  + " reproducible across restarts.");

  public static final ConfigOption<Duration> PREDICT_MAX_DELAY =
      ConfigOptions.key("predict.max-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(10))
          .withDescription(
              "Longest a sample waits to be predicted. A sample is predicted when it reaches the"
                  + " trainer, by its key's current model, not when its mini-batch is cut; the"
                  + " key's samples that arrive within this wait are predicted together, in one"
                  + " model call, which costs about what a call for one sample costs. 0 predicts"
                  + " each sample alone at once: the lowest latency, but one model call per sample,"
                  + " which lowers the throughput of small models. A batch that is cut predicts"
                  + " its unpredicted samples first. With trainer.mode fused, above 0, the"
                  + " unpredicted samples of all keys are predicted together, in one fused forward"
                  + " pass, when trainer.fuse-keys keys have some or this has passed since the"
                  + " first came; a key whose previous batch waits for its fused step has its"
                  + " samples predicted right after that step, which comes when this has passed"
                  + " if nothing brought it sooner. Processing time.");

  public static final ConfigOption<Duration> LABELS_TIME_TO_LIVE =
      ConfigOptions.key("labels.time-to-live")
          .durationType()
          .defaultValue(DelayedLabels.DEFAULT_TIME_TO_LIVE)
          .withDescription(
              "How long (processing time) an unlabeled sample waits in the trainer's state for its"
                  + " label from kafka.topic.labels, and a label for its sample. Expired samples"
                  + " are counted (labelsExpired), expired labels counted (labelsUnmatched) and"
                  + " dead-lettered as UNMATCHED_LABEL. Entries are removed up to an eighth of"
                  + " this later; state grows with the unlabeled samples per time-to-live.");

  public static final ConfigOption<Integer> MODEL_FEATURES =
      ConfigOptions.key("model.features")
          .intType()
          .noDefaultValue()
          .withDescription("Number of features per sample: the input width of the network.");

  public static final ConfigOption<InputShape.Kind> MODEL_INPUT_TYPE =
      ConfigOptions.key("model.input.type")
          .enumType(InputShape.Kind.class)
          .defaultValue(InputShape.Kind.VECTOR)
          .withDescription(
              "How the model.features values of a sample are laid out for the network. VECTOR:"
                  + " a flat vector (2-D input, dense first layers). SEQUENCE:"
                  + " model.input.timesteps steps of model.input.channels values, given time-major"
                  + " (all channels of step 0, then of step 1, ...), fed as DL4J's 3-D [batch,"
                  + " channels, timesteps] to recurrent or Conv1D first layers. GRID:"
                  + " model.input.height x model.input.width cells of model.input.channels values,"
                  + " given row by row with each cell's channels together, fed as 4-D [batch,"
                  + " channels, height, width] to Conv2D or pooling first layers. SEQUENCE and"
                  + " GRID need model.layers or model.configuration-file.");

  public static final ConfigOption<Integer> MODEL_INPUT_TIMESTEPS =
      ConfigOptions.key("model.input.timesteps")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Steps of a SEQUENCE input; timesteps x channels must equal model.features.");

  public static final ConfigOption<Integer> MODEL_INPUT_HEIGHT =
      ConfigOptions.key("model.input.height")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Rows of a GRID input; height x width x channels must equal model.features.");

  public static final ConfigOption<Integer> MODEL_INPUT_WIDTH =
      ConfigOptions.key("model.input.width")
          .intType()
          .noDefaultValue()
          .withDescription("Columns of a GRID input.");

  public static final ConfigOption<Integer> MODEL_INPUT_CHANNELS =
      ConfigOptions.key("model.input.channels")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Values per step of a SEQUENCE or per cell of a GRID input: the nIn of the first"
                  + " layer.");

  public static final ConfigOption<Task> MODEL_TASK =
      ConfigOptions.key("model.task")
          .enumType(Task.class)
          .defaultValue(Task.CLASSIFICATION)
          .withDescription(
              "CLASSIFICATION predicts one of model.classes labels (softmax output, cross-entropy"
                  + " loss). BINARY predicts label 0 or 1 with one sigmoid output (binary"
                  + " cross-entropy); its predictions carry the probabilities of both classes, 1-p"
                  + " and p. MULTI_LABEL predicts which of model.classes classes hold, any number"
                  + " of them, with one sigmoid output per class (binary cross-entropy); samples"
                  + " carry the classes that hold in labels. REGRESSION predicts model.outputs"
                  + " numbers, the sample's target or targets (identity outputs, model.loss).");

  public static final ConfigOption<Integer> MODEL_CLASSES =
      ConfigOptions.key("model.classes")
          .intType()
          .defaultValue(2)
          .withDescription(
              "Number of classes of a CLASSIFICATION or MULTI_LABEL model; BINARY has 2 and"
                  + " REGRESSION none.");

  public static final ConfigOption<Integer> MODEL_OUTPUTS =
      ConfigOptions.key("model.outputs")
          .intType()
          .defaultValue(1)
          .withDescription(
              "Number of outputs of a REGRESSION model: with 1 a sample carries its target in"
                  + " target (or a one-element targets), with more one target per output in"
                  + " targets. Other tasks take their outputs from model.classes and reject this"
                  + " key.");

  public static final ConfigOption<List<Integer>> MODEL_HIDDEN_LAYERS =
      ConfigOptions.key("model.hidden-layers")
          .intType()
          .asList()
          .defaultValues(64)
          .withDescription(
              "Widths of the dense hidden layers, input side first: a YAML list or a string such"
                  + " as 32,16. An empty list gives a linear (REGRESSION) or logistic"
                  + " (CLASSIFICATION) model. The default is chosen by bench/quality"
                  + " (docs/training.md).");

  public static final ConfigOption<String> MODEL_ACTIVATION =
      ConfigOptions.key("model.activation")
          .stringType()
          .defaultValue("relu")
          .withDescription(
              "Activation function of the hidden layers: the name of a DL4J Activation,"
                  + " case-insensitive.");

  public static final ConfigOption<UpdaterType> MODEL_UPDATER =
      ConfigOptions.key("model.updater")
          .enumType(UpdaterType.class)
          .defaultValue(UpdaterType.ADAM)
          .withDescription(
              "Gradient updater (optimizer) that trains the network, with its parameters in"
                  + " model.updater.*. ADAMW is Adam with decoupled weight decay"
                  + " (model.updater.weight-decay). ADADELTA has no learning rate:"
                  + " model.learning-rate and its schedule do not apply to it.");

  public static final ConfigOption<Double> MODEL_LEARNING_RATE =
      ConfigOptions.key("model.learning-rate")
          .doubleType()
          .defaultValue(0.01)
          .withDescription("Learning rate of the updater.");

  public static final ConfigOption<Double> MODEL_L2 =
      ConfigOptions.key("model.l2")
          .doubleType()
          .defaultValue(0.0)
          .withDescription("L2 regularization coefficient of the weights; 0 turns it off.");

  public static final ConfigOption<Long> MODEL_SEED =
      ConfigOptions.key("model.seed")
          .longType()
          .defaultValue(42L)
          .withDescription(
              "Seed of the weight initialization, so that runs of one configuration start from the"
                  + " same weights.");

  public static final ConfigOption<List<Map<String, String>>> MODEL_LAYERS =
      ConfigOptions.key("model.layers")
          .mapType()
          .asList()
          .noDefaultValue()
          .withDescription(
              "The network as a list of layers, input side first, each a map with a type and its"
                  + " options (see docs/training.md, The layer list): dense, conv1d, conv2d,"
                  + " subsampling, lstm, simple-rnn, global-pooling, batch-norm, dropout and"
                  + " output. Their nIn follow from model.input. The output layer comes from"
                  + " model.task and is added when the list does not end with one. When set,"
                  + " model.hidden-layers must not be; model.activation is the default activation"
                  + " of its dense layers. On the command line: --set"
                  + " 'model.layers=type:dense,units:32;type:dropout,rate:0.2'.");

  public static final ConfigOption<LossType> MODEL_LOSS =
      ConfigOptions.key("model.loss")
          .enumType(LossType.class)
          .noDefaultValue()
          .withDescription(
              "Loss of a REGRESSION model: MSE (mean squared error, the default) or MAE (mean"
                  + " absolute error). DL4J 1.0.0-M2.1 has no Huber loss. Classification tasks"
                  + " take the loss their output needs and reject this key.");

  public static final ConfigOption<Double> MODEL_UPDATER_BETA1 =
      ConfigOptions.key("model.updater.beta1")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "ADAM, ADAMW, ADAMAX, NADAM, AMSGRAD: decay of the first moment; unset: DL4J's"
                  + " default (0.9).");

  public static final ConfigOption<Double> MODEL_UPDATER_BETA2 =
      ConfigOptions.key("model.updater.beta2")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "ADAM, ADAMW, ADAMAX, NADAM, AMSGRAD: decay of the second moment; unset: DL4J's"
                  + " default (0.999).");

  public static final ConfigOption<Double> MODEL_UPDATER_EPSILON =
      ConfigOptions.key("model.updater.epsilon")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "Every updater but SGD and NESTEROVS: the small constant that keeps divisions"
                  + " finite; unset: DL4J's default for the updater.");

  public static final ConfigOption<Double> MODEL_UPDATER_MOMENTUM =
      ConfigOptions.key("model.updater.momentum")
          .doubleType()
          .noDefaultValue()
          .withDescription("NESTEROVS: the momentum; unset: DL4J's default (0.9).");

  public static final ConfigOption<Double> MODEL_UPDATER_RHO =
      ConfigOptions.key("model.updater.rho")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "RMSPROP: decay of the squared-gradient average (DL4J's rmsDecay, default 0.95);"
                  + " ADADELTA: its rho (default 0.95).");

  public static final ConfigOption<Double> MODEL_UPDATER_WEIGHT_DECAY =
      ConfigOptions.key("model.updater.weight-decay")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "ADAMW: the decoupled weight decay coefficient, applied with the learning rate"
                  + " (DL4J's Adam with WeightDecay regularization); unset: 0.01.");

  public static final ConfigOption<LearningRateSchedule> MODEL_LEARNING_RATE_SCHEDULE =
      ConfigOptions.key("model.learning-rate.schedule")
          .enumType(LearningRateSchedule.class)
          .defaultValue(LearningRateSchedule.NONE)
          .withDescription(
              "How the learning rate changes with the key's training steps (DL4J schedules of"
                  + " ScheduleType.ITERATION, so each key follows its own count). With lr ="
                  + " model.learning-rate and i the step: STEP lr*decay-rate^floor(i/steps);"
                  + " EXPONENTIAL lr*decay-rate^i; INVERSE lr/(1+decay-rate*i)^power; POLY"
                  + " lr*(1-i/steps)^power, held after steps; SIGMOID"
                  + " lr/(1+exp(-decay-rate*(i-steps))); CYCLIC a triangle from lr up to"
                  + " model.learning-rate.max and back down, every steps steps; WARMUP"
                  + " lr*(i+1)/steps for the first steps, then lr. POLY and WARMUP take at most"
                  + " 10000 steps.");

  public static final ConfigOption<Double> MODEL_LEARNING_RATE_DECAY_RATE =
      ConfigOptions.key("model.learning-rate.decay-rate")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "The gamma of STEP, EXPONENTIAL, INVERSE and SIGMOID schedules; required by"
                  + " those.");

  public static final ConfigOption<Integer> MODEL_LEARNING_RATE_STEPS =
      ConfigOptions.key("model.learning-rate.steps")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Training steps of a schedule: between decays (STEP), to the end (POLY), to the"
                  + " midpoint (SIGMOID), of one cycle (CYCLIC) or of the warm-up (WARMUP);"
                  + " required by those.");

  public static final ConfigOption<Double> MODEL_LEARNING_RATE_POWER =
      ConfigOptions.key("model.learning-rate.power")
          .doubleType()
          .noDefaultValue()
          .withDescription("The power of INVERSE and POLY schedules; required by those.");

  public static final ConfigOption<Double> MODEL_LEARNING_RATE_MAX =
      ConfigOptions.key("model.learning-rate.max")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "CYCLIC: the learning rate at the middle of the cycle; required by CYCLIC.");

  public static final ConfigOption<Double> MODEL_L1 =
      ConfigOptions.key("model.l1")
          .doubleType()
          .defaultValue(0.0)
          .withDescription("L1 regularization coefficient of the weights; 0 turns it off.");

  public static final ConfigOption<Double> MODEL_WEIGHT_DECAY =
      ConfigOptions.key("model.weight-decay")
          .doubleType()
          .defaultValue(0.0)
          .withDescription(
              "Weight decay coefficient of the weights (DL4J's WeightDecay: decoupled from the"
                  + " loss, scaled by the learning rate); 0 turns it off.");

  public static final ConfigOption<Double> MODEL_DROPOUT =
      ConfigOptions.key("model.dropout")
          .doubleType()
          .defaultValue(0.0)
          .withDescription(
              "Probability of dropping each input of the hidden and output layers while training"
                  + " (inverted dropout; predictions use every input); 0 turns it off. A layer of"
                  + " model.layers with its own dropout option takes that instead.");

  public static final ConfigOption<GradientNormalization> MODEL_GRADIENT_NORMALIZATION =
      ConfigOptions.key("model.gradient-normalization")
          .enumType(GradientNormalization.class)
          .defaultValue(GradientNormalization.None)
          .withDescription(
              "How each layer's gradients are normalized or clipped before the update (DL4J's"
                  + " GradientNormalization): RenormalizeL2PerLayer, RenormalizeL2PerParamType,"
                  + " ClipElementWiseAbsoluteValue, ClipL2PerLayer or ClipL2PerParamType, the"
                  + " clipping ones at model.gradient-normalization.threshold.");

  public static final ConfigOption<Double> MODEL_GRADIENT_NORMALIZATION_THRESHOLD =
      ConfigOptions.key("model.gradient-normalization.threshold")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "The clipping threshold of the Clip* model.gradient-normalization modes; unset:"
                  + " 1.0.");

  public static final ConfigOption<String> MODEL_CONFIGURATION_FILE =
      ConfigOptions.key("model.configuration-file")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Path to a DL4J MultiLayerConfiguration or ComputationGraphConfiguration JSON file,"
                  + " as their toJson() writes it, for networks the compact model.* keys cannot"
                  + " describe; a graph must have one input and one output. When set,"
                  + " model.hidden-layers, model.activation, model.updater, model.learning-rate,"
                  + " model.l2 and model.seed must not be set. The first layer must take"
                  + " model.input.type (a recurrent or Conv1D layer a SEQUENCE, a Conv2D or"
                  + " pooling layer a GRID, other layers a VECTOR) unless the configuration gives"
                  + " it an input preprocessor; its nIn must equal model.features (VECTOR) or"
                  + " model.input.channels. The last layer must score each sample once (not an"
                  + " RnnOutputLayer) with nOut model.classes (CLASSIFICATION) or 1"
                  + " (REGRESSION).");

  public static final ConfigOption<String> MODEL_INITIAL =
      ConfigOptions.key("model.initial")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Path to the model every new key starts from, instead of freshly initialized"
                  + " weights: a DL4J ModelSerializer zip (MultiLayerNetwork or"
                  + " ComputationGraph) or a Keras HDF5 file saved by Keras 1 or 2 (Sequential or"
                  + " functional, imported with DL4J's Keras import, which reads no Keras 3"
                  + " file), read while the configuration loads. Not together with"
                  + " model.initial.parent-key. It defines the network: model.configuration-file"
                  + " and the compact model.* keys must not be set. Its first layer must take"
                  + " model.input (channels-first, as the"
                  + " trainer feeds it); its output must give model.classes scores (or 1 for"
                  + " REGRESSION) unless model.initial.replace-output is true. A model that ends"
                  + " without a loss (as Keras models do) gets a loss layer for model.task.");

  public static final ConfigOption<String> MODEL_INITIAL_PARENT_KEY =
      ConfigOptions.key("model.initial.parent-key")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Model key whose latest published model every new key starts from, instead of"
                  + " freshly initialized weights: the checkpoint of that key with the highest"
                  + " version in kafka.topic.checkpoints, read committed to the topic's end where"
                  + " the job is defined (bin/streamlearn run), within 30 s. Its model, with its"
                  + " parameters and a fresh optimizer state, is then adapted and checked as a"
                  + " model.initial file is (model.initial.*), and its scaler, if any, becomes"
                  + " the statistics every new key's model.scaling standard starts from;"
                  + " model.scaling must match the checkpoint (standard if it has a scaler, none"
                  + " if not). Keys that appear later still start from the checkpoint read at"
                  + " start: restart the job to pick a newer one. Not together with"
                  + " model.initial; like it, it defines the network.");

  public static final ConfigOption<Integer> MODEL_INITIAL_FREEZE_LAYERS =
      ConfigOptions.key("model.initial.freeze-layers")
          .intType()
          .defaultValue(0)
          .withDescription(
              "Number of the initial model's first layers (in order; a graph's in topological"
                  + " order, with everything they depend on) whose parameters never train (DL4J"
                  + " FrozenLayer). Must be less than the model's layer count and must not reach"
                  + " the layer model.initial.replace-output replaces.");

  public static final ConfigOption<Boolean> MODEL_INITIAL_REPLACE_OUTPUT =
      ConfigOptions.key("model.initial.replace-output")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Replace the initial model's output (its last layer with parameters and the"
                  + " parameterless layers after it) with a new, seeded (model.seed) output layer"
                  + " of model.classes softmax scores with MCXENT loss, or 1 output with MSE for"
                  + " REGRESSION, taking the replaced layer's inputs: for a model trained on other"
                  + " classes.");

  public static final ConfigOption<Double> MODEL_INITIAL_LEARNING_RATE =
      ConfigOptions.key("model.initial.learning-rate")
          .doubleType()
          .noDefaultValue()
          .withDescription(
              "Learning rate of the initial model's layers that train (all but the frozen ones),"
                  + " with the updater the model comes with (Adam when it has none). Unset: the"
                  + " model's own learning rate.");

  public static final ConfigOption<Integer> MODEL_STEPS_PER_BATCH =
      ConfigOptions.key("model.steps-per-batch")
          .intType()
          .defaultValue(1)
          .withDescription(
              "Gradient steps each mini-batch trains the key's model with. More than 1 learns more"
                  + " from each sample at that many times the training cost; the model version"
                  + " still grows by 1 per batch, the checkpoint's steps by this many.");

  public static final ConfigOption<List<Map<String, String>>> MODEL_OVERRIDES =
      ConfigOptions.key("model.overrides")
          .mapType()
          .asList()
          .noDefaultValue()
          .withDescription(
              "Keys that train another model than the one the model.* keys describe: a list of"
                  + " overrides, each a map with a pattern (a Java regular expression that must"
                  + " match the whole model key) and model.* keys without their model. prefix:"
                  + " hidden-layers, layers, activation, loss, seed, configuration-file, initial"
                  + " or initial.parent-key (and initial.freeze-layers, initial.replace-output,"
                  + " initial.learning-rate),"
                  + " steps-per-batch and the training controls (updater and its parameters,"
                  + " learning-rate and its schedule, l1, l2, weight-decay, dropout,"
                  + " gradient-normalization). The first override whose pattern matches a key"
                  + " gives its model; other keys train the default one. An override inherits the"
                  + " default's keys it does not set, except that a network it sets (layers,"
                  + " hidden-layers, configuration-file, initial or initial.parent-key) replaces"
                  + " the default's, and the compact model keys that must not be set next to"
                  + " configuration-file, initial or initial.parent-key are not inherited by an"
                  + " override that sets one of them. The"
                  + " input, task, classes and scaling are the job's. Problems name the entry, as"
                  + " model.overrides[0].pattern (numbered from 0); on the command line: --set"
                  + " 'model.overrides[0].pattern=sensor-.*' --set"
                  + " 'model.overrides[0].hidden-layers=64,32'. See docs/training.md, Per-key"
                  + " models.");

  public static final ConfigOption<FeatureScaling> MODEL_SCALING =
      ConfigOptions.key("model.scaling")
          .enumType(FeatureScaling.class)
          .defaultValue(FeatureScaling.STANDARD)
          .withDescription(
              "NONE feeds each key's model the raw features. STANDARD feeds it each feature minus"
                  + " its running mean, divided by its running population standard deviation (1"
                  + " while the feature has not varied), both kept per key over the key's labeled"
                  + " samples: a batch is scaled with the statistics from before it, then its"
                  + " labeled samples update them. Published checkpoints then carry the scaler"
                  + " (docs/wire-format.md), which a consumer must apply. STANDARD is the default,"
                  + " as bench/quality chose it (docs/training.md).");

  public static final ConfigOption<TrainerMode> TRAINER_MODE =
      ConfigOptions.key("trainer.mode")
          .enumType(TrainerMode.class)
          .defaultValue(TrainerMode.AUTO)
          .withDescription(
              "How keys' models train. per-key: one DL4J fit per key's mini-batch. fused: the"
                  + " mini-batches of many keys (trainer.fuse-keys) train together in one batched"
                  + " step, each key's by DL4J's arithmetic (equal to per-key within float"
                  + " rounding); it takes a MultiLayerConfiguration"
                  + " of DenseLayers and an OutputLayer on a VECTOR input with the updaters SGD,"
                  + " NESTEROVS, ADAM, RMSPROP or ADAGRAD (docs/training.md lists what fuses), and"
                  + " a model it cannot train is refused before the job starts, naming the reason."
                  + " auto: fused when the model allows it, per-key otherwise.");

  public static final ConfigOption<Integer> TRAINER_FUSE_KEYS =
      ConfigOptions.key("trainer.fuse-keys")
          .intType()
          .defaultValue(256)
          .withDescription(
              "Fused trainer: how many keys' scored mini-batches wait before they train in one"
                  + " step. They also train when batch.max-delay has passed since the first of"
                  + " them came (0: no time limit), before each Flink checkpoint, at the end of"
                  + " input, before a waiting key's next batch, label or timer, and when a"
                  + " waiting key's next sample has waited predict.max-delay (at once with 0).");

  public static final ConfigOption<Integer> MODEL_CHECKPOINT_EVERY_STEPS =
      ConfigOptions.key("model.checkpoint.every-steps")
          .intType()
          .defaultValue(100)
          .withDescription(
              "Publish a model snapshot to kafka.topic.checkpoints every this many training steps;"
                  + " 0 turns step-based snapshots off. At least one of this,"
                  + " model.checkpoint.interval and model.checkpoint.at-job-checkpoints must be"
                  + " on.");

  public static final ConfigOption<Duration> MODEL_CHECKPOINT_INTERVAL =
      ConfigOptions.key("model.checkpoint.interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "Publish a model snapshot to kafka.topic.checkpoints at this interval while the"
                  + " model trains; 0 turns time-based snapshots off.");

  public static final ConfigOption<Boolean> MODEL_CHECKPOINT_AT_JOB_CHECKPOINTS =
      ConfigOptions.key("model.checkpoint.at-job-checkpoints")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Also publish, right before each Flink checkpoint (job.checkpoint-interval), a"
                  + " snapshot of every key's model that trained since its last snapshot, so that"
                  + " each committed checkpoint of kafka.topic.checkpoints holds every key's model"
                  + " as trained up to it: a model is visible at most about one"
                  + " job.checkpoint-interval after its step, however long model.checkpoint.interval"
                  + " is. Costs one snapshot per changed key per Flink checkpoint, made on the"
                  + " task thread before the checkpoint can start (docs/training.md). Which versions"
                  + " are published then depends on when checkpoints happen: off for runs that"
                  + " must publish the same versions.");

  public static final ConfigOption<Integer> METRICS_WINDOW =
      ConfigOptions.key("metrics.window")
          .intType()
          .defaultValue(1000)
          .withDescription(
              "Number of most recent labeled predictions over which the prequential metrics"
                  + " (each prediction made before training on its sample) are computed: the"
                  + " count window of the metrics topic, and the fading window of the metrics"
                  + " published with each model checkpoint.");

  public static final ConfigOption<Duration> METRICS_TIME_WINDOW =
      ConfigOptions.key("metrics.time-window")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "The metrics topic also reports each metric over the predictions of this last"
                  + " span of time (metric names suffixed @time).");

  public static final ConfigOption<Duration> METRICS_SNAPSHOT_INTERVAL =
      ConfigOptions.key("metrics.snapshot-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "How often a key (and the whole job) that had new labeled predictions publishes a"
                  + " metrics snapshot to the metrics topic.");

  public static final ConfigOption<Integer> METRICS_SNAPSHOT_EVERY =
      ConfigOptions.key("metrics.snapshot-every")
          .intType()
          .defaultValue(1000)
          .withDescription(
              "A key (and the whole job) also publishes a metrics snapshot at every multiple of"
                  + " this many labeled predictions, as well as every metrics.snapshot-interval:"
                  + " a backlog replayed in seconds still gets a learning curve with a point"
                  + " every this many predictions. 0 turns count-based snapshots off.");

  public static final ConfigOption<DetectorType> METRICS_DRIFT_DETECTOR =
      ConfigOptions.key("metrics.drift-detector")
          .enumType(DetectorType.class)
          .defaultValue(DetectorType.ADWIN)
          .withDescription(
              "Drift detector run on the prequential error (0/1 for classification, absolute"
                  + " error for regression) of each key, by the trainer, and of the whole job:"
                  + " ADWIN (delta 0.002), PAGE_HINKLEY (delta 0.005, threshold 100) or NONE."
                  + " A detection is published to the metrics topic with its position in the"
                  + " key's (or the job's) stream; a key's detection also triggers"
                  + " model.drift.reaction.");

  public static final ConfigOption<DriftReaction> MODEL_DRIFT_REACTION =
      ConfigOptions.key("model.drift.reaction")
          .enumType(DriftReaction.class)
          .defaultValue(DriftReaction.ALERT)
          .withDescription(
              "What a key's drift detection does to the key's model (see docs/training.md)."
                  + " ALERT: nothing, the event is published. BOOST_LEARNING_RATE: the next"
                  + " model.drift.boost-steps steps train with model.drift.boost-factor times the"
                  + " learning rate. RESET: the key's model becomes the initial one (as a new key"
                  + " gets it) at a new version. ROLLBACK: it becomes the key's best recent model"
                  + " (see model.drift.rollback-horizon) at a new version. A model a reaction"
                  + " replaces is published to kafka.topic.checkpoints at once. Anything but"
                  + " ALERT needs a metrics.drift-detector.");

  public static final ConfigOption<Double> MODEL_DRIFT_BOOST_FACTOR =
      ConfigOptions.key("model.drift.boost-factor")
          .doubleType()
          .defaultValue(DriftSettings.DEFAULT_BOOST_FACTOR)
          .withDescription(
              "BOOST_LEARNING_RATE: the learning rate of every layer is multiplied by this for"
                  + " the boosted steps (a learning rate schedule is paused meanwhile).");

  public static final ConfigOption<Integer> MODEL_DRIFT_BOOST_STEPS =
      ConfigOptions.key("model.drift.boost-steps")
          .intType()
          .defaultValue(DriftSettings.DEFAULT_BOOST_STEPS)
          .withDescription(
              "BOOST_LEARNING_RATE: number of training steps after a detection that take the"
                  + " boosted learning rate; a new detection starts the count again.");

  public static final ConfigOption<Integer> MODEL_DRIFT_ROLLBACK_HORIZON =
      ConfigOptions.key("model.drift.rollback-horizon")
          .intType()
          .defaultValue(DriftSettings.DEFAULT_ROLLBACK_HORIZON)
          .withDescription(
              "ROLLBACK: how many versions back the kept copy may be. After each batch is"
                  + " scored, the scoring model is kept when its fading accuracy (negated MAE for"
                  + " REGRESSION, over metrics.window) beats the kept copy's, or when the kept copy"
                  + " is more than this many versions older; scores count once they weigh half"
                  + " of metrics.window.");

  public static final ConfigOption<String> JOB_NAME =
      ConfigOptions.key("job.name")
          .stringType()
          .defaultValue("streamlearn")
          .withDescription("Name of the Flink job (sets Flink's pipeline.name).");

  public static final ConfigOption<String> JOB_STATE_DIR =
      ConfigOptions.key("job.state-dir")
          .stringType()
          .defaultValue("streamlearn-state")
          .withDescription(
              "Directory of the job's durable state, relative to the working directory unless"
                  + " absolute. bin/streamlearn run keeps the job's Flink checkpoints and savepoints"
                  + " in <job.state-dir>/<job.name>/, retains them when the job fails or is"
                  + " cancelled, and on its next start resumes from the latest one there (see"
                  + " docs/operations.md, Running and resuming). With --jobmanager it must be a"
                  + " path that every Flink process reaches.");

  public static final ConfigOption<Integer> JOB_PARALLELISM =
      ConfigOptions.key("job.parallelism")
          .intType()
          .defaultValue(1)
          .withDescription("Parallelism of the Flink job (sets Flink's parallelism.default).");

  public static final ConfigOption<Duration> JOB_CHECKPOINT_INTERVAL =
      ConfigOptions.key("job.checkpoint-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "Flink checkpoint interval (sets Flink's execution.checkpointing.interval). The"
                  + " Kafka sinks commit on checkpoints, so this is also how long predictions take"
                  + " to become visible to read-committed consumers.");

  private static final List<ConfigOption<?>> ALL =
      List.of(
          KAFKA_BOOTSTRAP_SERVERS,
          KAFKA_PROPERTIES_FILE,
          KAFKA_GROUP_ID,
          KAFKA_TOPIC_SAMPLES,
          KAFKA_TOPIC_LABELS,
          KAFKA_TOPIC_PREDICTIONS,
          KAFKA_TOPIC_CHECKPOINTS,
          KAFKA_TOPIC_DEAD_LETTERS,
          KAFKA_TOPIC_METRICS,
          KAFKA_MAX_RECORD_BYTES,
          KAFKA_PREDICTIONS_DELIVERY_GUARANTEE,
          KAFKA_TRANSACTION_TIMEOUT,
          BATCH_SIZE,
          BATCH_MAX_DELAY,
          PREDICT_MAX_DELAY,
          LABELS_TIME_TO_LIVE,
          MODEL_FEATURES,
          MODEL_INPUT_TYPE,
          MODEL_INPUT_TIMESTEPS,
          MODEL_INPUT_HEIGHT,
          MODEL_INPUT_WIDTH,
          MODEL_INPUT_CHANNELS,
          MODEL_TASK,
          MODEL_CLASSES,
          MODEL_OUTPUTS,
          MODEL_HIDDEN_LAYERS,
          MODEL_ACTIVATION,
          MODEL_UPDATER,
          MODEL_LEARNING_RATE,
          MODEL_L2,
          MODEL_SEED,
          MODEL_LAYERS,
          MODEL_LOSS,
          MODEL_UPDATER_BETA1,
          MODEL_UPDATER_BETA2,
          MODEL_UPDATER_EPSILON,
          MODEL_UPDATER_MOMENTUM,
          MODEL_UPDATER_RHO,
          MODEL_UPDATER_WEIGHT_DECAY,
          MODEL_LEARNING_RATE_SCHEDULE,
          MODEL_LEARNING_RATE_DECAY_RATE,
          MODEL_LEARNING_RATE_STEPS,
          MODEL_LEARNING_RATE_POWER,
          MODEL_LEARNING_RATE_MAX,
          MODEL_L1,
          MODEL_WEIGHT_DECAY,
          MODEL_DROPOUT,
          MODEL_GRADIENT_NORMALIZATION,
          MODEL_GRADIENT_NORMALIZATION_THRESHOLD,
          MODEL_CONFIGURATION_FILE,
          MODEL_INITIAL,
          MODEL_INITIAL_PARENT_KEY,
          MODEL_INITIAL_FREEZE_LAYERS,
          MODEL_INITIAL_REPLACE_OUTPUT,
          MODEL_INITIAL_LEARNING_RATE,
          MODEL_STEPS_PER_BATCH,
          MODEL_OVERRIDES,
          MODEL_SCALING,
          TRAINER_MODE,
          TRAINER_FUSE_KEYS,
          MODEL_CHECKPOINT_EVERY_STEPS,
          MODEL_CHECKPOINT_INTERVAL,
          MODEL_CHECKPOINT_AT_JOB_CHECKPOINTS,
          METRICS_WINDOW,
          METRICS_TIME_WINDOW,
          METRICS_SNAPSHOT_INTERVAL,
          METRICS_SNAPSHOT_EVERY,
          METRICS_DRIFT_DETECTOR,
          MODEL_DRIFT_REACTION,
          MODEL_DRIFT_BOOST_FACTOR,
          MODEL_DRIFT_BOOST_STEPS,
          MODEL_DRIFT_ROLLBACK_HORIZON,
          JOB_NAME,
          JOB_STATE_DIR,
          JOB_PARALLELISM,
          JOB_CHECKPOINT_INTERVAL);

  private StreamlearnOptions() {}

  /** Every option, in the order of the reference documentation. */
  public static List<ConfigOption<?>> all() {
    return ALL;
  }

  /**
   * Whether a configuration must set the option. An option without a default is required unless it
   * is listed here as optional, so that forgetting to list a new option fails loudly.
   */
  static boolean isRequired(ConfigOption<?> option) {
    return !option.hasDefaultValue()
        && !option.equals(MODEL_CONFIGURATION_FILE)
        && !option.equals(MODEL_INITIAL)
        && !option.equals(MODEL_INITIAL_PARENT_KEY)
        && !option.equals(MODEL_INITIAL_LEARNING_RATE)
        && !option.equals(MODEL_OVERRIDES)
        && !option.equals(KAFKA_TOPIC_LABELS)
        && !option.equals(KAFKA_PROPERTIES_FILE)
        && !InputShapes.DIMENSIONS.contains(option)
        && !TrainingControls.OPTIONAL.contains(option);
  }
}
