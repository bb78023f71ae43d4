package io.streamlearn.bench;

import io.streamlearn.operators.SourceRecord;
import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.generate.StandardStream;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The records of a standard stream as the job reads them from one Kafka partition: each generated
 * sample encoded in the wire format, in the generator's order. Made lazily in the source reader, so
 * a long stream is never held in memory; the source must have parallelism 1 (one reader, the
 * generator's order).
 */
final class GeneratedSamples implements GeneratorFunction<Long, SourceRecord> {

  private final StreamSpec spec;

  private transient SampleStream stream;
  private transient WireCodec<LabeledSample> codec;

  GeneratedSamples(StreamSpec spec) {
    this.spec = spec;
  }

  @Override
  public void open(SourceReaderContext readerContext) {
    stream = spec.create();
    codec = WireCodec.labeledSamples();
  }

  @Override
  public SourceRecord map(Long offset) {
    return new SourceRecord("samples", 0, offset, codec.encode(stream.next()));
  }

  /** Which standard stream, and how it is generated. */
  record StreamSpec(StandardStream kind, long seed, int keys, int features, double drift)
      implements java.io.Serializable {

    SampleStream create() {
      return kind.create(seed, keys, features, drift);
    }
  }
}
