package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;
import io.streamlearn.schemas.WireFormatException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns raw records from the samples topic into samples the model can train on. A record that
 * cannot be decoded or does not fit the model never fails the job: it is counted per reason (the
 * {@code rejected*} metrics) and logged with its topic, partition and offset.
 */
public class SampleDecoder extends ProcessFunction<SourceRecord, LabeledSample> {

  private static final Logger LOG = LoggerFactory.getLogger(SampleDecoder.class);

  /** Full warnings per reason and subtask before only every 1000th is logged, to spare the logs. */
  private static final int WARNINGS_PER_REASON = 10;

  private final SampleValidator validator;

  private transient WireCodec<LabeledSample> codec;
  private transient Map<RejectReason, Counter> rejected;

  public SampleDecoder(ModelShape shape) {
    this.validator = new SampleValidator(shape);
  }

  @Override
  public void open(OpenContext openContext) {
    codec = WireCodec.labeledSamples();
    rejected = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, getRuntimeContext().getMetricGroup().counter(reason.counterName()));
    }
  }

  @Override
  public void processElement(SourceRecord record, Context ctx, Collector<LabeledSample> out) {
    LabeledSample sample;
    try {
      sample = codec.decode(record.value);
    } catch (WireFormatException e) {
      reject(record, new Rejection(RejectReason.valueOf(e.reason().name()), e.getMessage()));
      return;
    }
    Optional<Rejection> problem = validator.problemWith(sample);
    if (problem.isPresent()) {
      reject(record, problem.get());
    } else {
      out.collect(sample);
    }
  }

  /** How many records this subtask rejected for the reason. */
  long rejectedCount(RejectReason reason) {
    return rejected.get(reason).getCount();
  }

  private void reject(SourceRecord record, Rejection rejection) {
    Counter counter = rejected.get(rejection.reason());
    counter.inc();
    long count = counter.getCount();
    if (count <= WARNINGS_PER_REASON || count % 1000 == 0) {
      LOG.warn(
          "Skipping record {} ({}, {} so far): {}",
          record.origin(),
          rejection.reason(),
          count,
          rejection.message());
    }
  }
}
