package io.streamlearn.operators;

import io.streamlearn.schemas.Prediction;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.OutputTag;

/**
 * What {@link KeyStep} needs of the operator that runs it, for the key being processed: where
 * predictions and side outputs go, and the key's timers. A trainer operator adapts its Flink
 * context to it.
 */
public interface KeyContext {

  String key();

  TimerService timers();

  /** Emits a prediction on the main output. */
  void predicted(Prediction prediction);

  /** Emits a record on a side output ({@link TrainerOutputs}, {@link DeadLetters#TAG}). */
  <T> void output(OutputTag<T> tag, T value);
}
