package io.streamlearn.pipeline;

import io.streamlearn.operators.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

/** A bounded source of given record values, for running the topology without Kafka. */
final class BoundedRecords {

  private BoundedRecords() {}

  /** The values in order, as records of partition 0 of topic {@code samples}. */
  static DataGeneratorSource<SourceRecord> source(List<byte[]> values) {
    ArrayList<byte[]> serializable = new ArrayList<>(values);
    return new DataGeneratorSource<>(
        offset -> new SourceRecord("samples", 0, offset, serializable.get(offset.intValue())),
        serializable.size(),
        RateLimiterStrategy.noOp(),
        TypeInformation.of(SourceRecord.class));
  }
}
