package io.streamlearn.bench;

import io.streamlearn.schemas.Prediction;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Counts the predictions it receives and how many named their sample's label: prequential
 * (test-then-train) accuracy, each prediction made before its sample trained the model. The sink is
 * serialized into the job, so the counts live in a static map under its id: the job runs in a local
 * MiniCluster in this JVM.
 */
final class AccuracySink implements Sink<Prediction> {

  private static final int SEEN = 0;
  private static final int CORRECT = 1;
  private static final Map<String, AtomicLongArray> COUNTS = new ConcurrentHashMap<>();

  private final String id = UUID.randomUUID().toString();

  AccuracySink() {
    COUNTS.put(id, new AtomicLongArray(2));
  }

  long predictions() {
    return COUNTS.get(id).get(SEEN);
  }

  /** Correct predictions over all predictions. */
  double accuracy() {
    AtomicLongArray counts = COUNTS.get(id);
    return counts.get(SEEN) == 0 ? 0 : (double) counts.get(CORRECT) / counts.get(SEEN);
  }

  /** Forgets the counts, once read. */
  void release() {
    COUNTS.remove(id);
  }

  @Override
  public SinkWriter<Prediction> createWriter(WriterInitContext context) {
    AtomicLongArray counts = COUNTS.get(id);
    return new SinkWriter<>() {
      @Override
      public void write(Prediction prediction, Context context) {
        counts.incrementAndGet(SEEN);
        if (prediction.getLabel() != null
            && Objects.equals(prediction.getPredictedLabel(), prediction.getLabel())) {
          counts.incrementAndGet(CORRECT);
        }
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
