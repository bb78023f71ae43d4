package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-key trainer: each key's samples (input 1) and late labels (input 2) go, one key at a
 * time, through {@link KeyStep}, which predicts each sample as it arrives and gathers it into the
 * key's mini-batch ({@link OpenBatch}), then scores and trains the key's model on each batch in its
 * keyed state, and publishes predictions, checkpoints and drift events ({@link TrainerOutputs}).
 * This class only connects the step to Flink; {@link OnlineTrainerOperator} runs it, and publishes
 * changed models before barriers, which a function cannot.
 */
public class OnlineTrainer
    extends KeyedCoProcessFunction<String, LabeledSample, SampleLabel, Prediction> {

  private final TrainerSettings settings;
  private final Batching batching;

  private transient KeyStep step;
  private transient OpenBatch batch;

  public OnlineTrainer(TrainerSettings settings, Batching batching) {
    this.settings = settings;
    this.batching = batching;
  }

  @Override
  public void open(OpenContext openContext) {
    // open() runs on the task thread, like processElement and onTimer: all ND4J work stays there.
    step = new KeyStep(getRuntimeContext(), settings, KeyModels.create(settings));
    batch = new OpenBatch(getRuntimeContext(), batching, step);
  }

  @Override
  public void processElement1(LabeledSample sample, Context ctx, Collector<Prediction> out)
      throws Exception {
    KeyContext keyContext = keyContext(ctx, out);
    trainIfCut(batch.add(sample, keyContext), keyContext);
  }

  @Override
  public void processElement2(SampleLabel label, Context ctx, Collector<Prediction> out)
      throws Exception {
    step.onLabel(label, keyContext(ctx, out));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Prediction> out)
      throws Exception {
    // Only the end of input brings an event-time timer: the trainer's inputs carry no watermarks.
    boolean eventTime = ctx.timeDomain() == TimeDomain.EVENT_TIME;
    KeyContext keyContext = keyContext(ctx, out);
    trainIfCut(batch.onTimer(timestamp, eventTime, keyContext), keyContext);
    if (!OpenBatch.isBatchTimer(timestamp, eventTime)) {
      step.onTimer(timestamp, eventTime, keyContext);
    }
  }

  /** Trains a batch that was cut, if any; a subclass hears of each. */
  private void trainIfCut(KeyStep.Scored cut, KeyContext keyContext) throws Exception {
    if (cut != null) {
      step.train(cut, keyContext);
      batchCut();
    }
  }

  /** Called after each batch was cut and trained: a seam for tests that fail there. */
  protected void batchCut() throws Exception {}

  /** The step, for its operator. */
  KeyStep step() {
    return step;
  }

  /** This subtask's delayed-label join, whose counters tests read. */
  LabelJoin labelJoin() {
    return step.labelJoin();
  }

  private static KeyContext keyContext(Context ctx, Collector<Prediction> out) {
    return new KeyContext() {
      @Override
      public String key() {
        return ctx.getCurrentKey();
      }

      @Override
      public TimerService timers() {
        return ctx.timerService();
      }

      @Override
      public void predicted(Prediction prediction) {
        out.collect(prediction);
      }

      @Override
      public <T> void output(OutputTag<T> tag, T value) {
        ctx.output(tag, value);
      }
    };
  }
}
