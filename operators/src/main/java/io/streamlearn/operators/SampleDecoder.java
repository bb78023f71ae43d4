package io.streamlearn.operators;

import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;
import io.streamlearn.schemas.WireFormatException;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns raw records from the samples topic into samples the model can train on. A record that is
 * too large, cannot be decoded or does not fit the model never fails the job: it goes to the {@link
 * DeadLetters#TAG} side output with its bytes, origin and reason, is counted per reason (see {@link
 * DeadLetters}) and logged.
 */
public class SampleDecoder extends ProcessFunction<SourceRecord, LabeledSample> {

  private static final Logger LOG = LoggerFactory.getLogger(SampleDecoder.class);

  private final SampleValidator validator;
  private final int maxRecordBytes;

  private transient WireCodec<LabeledSample> codec;
  private transient DeadLetters deadLetters;

  public SampleDecoder(ModelShape shape, int maxRecordBytes) {
    this.validator = new SampleValidator(shape);
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public void open(OpenContext openContext) {
    codec = WireCodec.labeledSamples();
    deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(SourceRecord record, Context ctx, Collector<LabeledSample> out) {
    if (record.value != null && record.value.length > maxRecordBytes) {
      reject(record, null, tooLarge(record), ctx);
      return;
    }
    LabeledSample sample;
    try {
      sample = codec.decode(record.value);
    } catch (WireFormatException e) {
      Rejection rejection =
          new Rejection(DeadLetterReason.valueOf(e.reason().name()), e.getMessage());
      reject(record, null, rejection, ctx);
      return;
    }
    Optional<Rejection> problem = validator.problemWith(sample);
    if (problem.isPresent()) {
      reject(record, sample, problem.get(), ctx);
    } else {
      out.collect(sample);
    }
  }

  /** How many records this subtask rejected for the reason. */
  long rejectedCount(DeadLetterReason reason) {
    return deadLetters.count(reason);
  }

  private Rejection tooLarge(SourceRecord record) {
    return new Rejection(
        DeadLetterReason.RECORD_TOO_LARGE,
        "record of " + record.value.length + " bytes, the limit is " + maxRecordBytes);
  }

  private void reject(SourceRecord record, LabeledSample sample, Rejection rejection, Context ctx) {
    ctx.output(
        DeadLetters.TAG,
        deadLetters.of(record, rejection, sample, ctx.timerService().currentProcessingTime()));
    long count = deadLetters.count(rejection.reason());
    if (LogThrottle.shouldLog(count)) {
      LOG.warn(
          "Dead-lettering record {} ({}, {} so far): {}",
          record.origin(),
          rejection.reason(),
          count,
          rejection.message());
    }
  }
}
