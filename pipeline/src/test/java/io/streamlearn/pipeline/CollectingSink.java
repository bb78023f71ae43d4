package io.streamlearn.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it receives for the test to read. The sink object is serialized into the
 * job, so the values live in a static map under the sink's id: tests run on a MiniCluster in the
 * same JVM.
 */
final class CollectingSink<T> implements Sink<T> {

  private static final Map<String, Queue<Object>> RECEIVED = new ConcurrentHashMap<>();

  private final String id = UUID.randomUUID().toString();

  CollectingSink() {
    RECEIVED.put(id, new ConcurrentLinkedQueue<>());
  }

  @SuppressWarnings("unchecked")
  List<T> values() {
    return (List<T>) List.copyOf(RECEIVED.get(id));
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    Queue<Object> received = RECEIVED.get(id);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context context) {
        received.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
