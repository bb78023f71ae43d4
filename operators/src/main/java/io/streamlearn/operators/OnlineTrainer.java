package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-key trainer: each key's mini-batches (input 1) and late labels (input 2) go, one key at a
 * time, through {@link KeyStep}, which predicts, scores and trains the key's model in its keyed
 * state and publishes predictions, checkpoints and drift events ({@link TrainerOutputs}). This
 * class only connects the step to Flink.
 */
public class OnlineTrainer
    extends KeyedCoProcessFunction<String, List<LabeledSample>, SampleLabel, Prediction> {

  private final TrainerSettings settings;

  private transient KeyStep step;

  public OnlineTrainer(TrainerSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    // open() runs on the task thread, like processElement and onTimer: all ND4J work stays there.
    step = new KeyStep(getRuntimeContext(), settings, KeyModels.create(settings));
  }

  @Override
  public void processElement1(List<LabeledSample> batch, Context ctx, Collector<Prediction> out)
      throws Exception {
    step.onBatch(batch, keyContext(ctx, out));
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
    step.onTimer(timestamp, ctx.timeDomain() == TimeDomain.EVENT_TIME, keyContext(ctx, out));
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
