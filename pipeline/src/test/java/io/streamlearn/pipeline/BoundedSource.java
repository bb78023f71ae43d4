package io.streamlearn.pipeline;

import io.streamlearn.operators.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

/** A bounded source of the given record values, as if read in order from one Kafka partition. */
final class BoundedSource {

  private BoundedSource() {}

  static DataGeneratorSource<SourceRecord> of(List<byte[]> values) {
    ArrayList<byte[]> serializable = new ArrayList<>(values);
    return new DataGeneratorSource<>(
        offset -> new SourceRecord("samples", 0, offset, serializable.get(offset.intValue())),
        serializable.size(),
        RateLimiterStrategy.noOp(),
        TypeInformation.of(SourceRecord.class));
  }
}
