package io.streamlearn.pipeline;

import io.streamlearn.schemas.Prediction;
import java.io.IOException;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A Kafka sink that is the one it wraps in every respect but one: before each commit its committer
 * lets the run's {@link InjectedFailures} throw. That is a failure between a completed checkpoint
 * and the commit of its Kafka transactions.
 */
final class FailingCommitSink<T>
    implements Sink<T>,
        SupportsWriterState<T, KafkaWriterState>,
        SupportsCommitter<KafkaCommittable>,
        SupportsPostCommitTopology<KafkaCommittable> {

  private final KafkaSink<T> sink;
  private final String runName;

  private FailingCommitSink(KafkaSink<T> sink, String runName) {
    this.sink = sink;
    this.runName = runName;
  }

  /** The sinks, with the predictions sink's commits failing as the run's plan says. */
  static PipelineSinks failingPredictionCommits(PipelineSinks sinks, String runName) {
    return new PipelineSinks(
        new FailingCommitSink<>((KafkaSink<Prediction>) sinks.predictions(), runName),
        sinks.checkpoints(),
        sinks.deadLetters(),
        sinks.metrics());
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    return sink.createWriter(context);
  }

  @Override
  public StatefulSinkWriter<T, KafkaWriterState> restoreWriter(
      WriterInitContext context, Collection<KafkaWriterState> recoveredState) throws IOException {
    return sink.restoreWriter(context, recoveredState);
  }

  @Override
  public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
    return sink.getWriterStateSerializer();
  }

  @Override
  public Committer<KafkaCommittable> createCommitter(CommitterInitContext context)
      throws IOException {
    Committer<KafkaCommittable> committer = sink.createCommitter(context);
    String run = runName;
    return new Committer<>() {
      @Override
      public void commit(Collection<CommitRequest<KafkaCommittable>> requests)
          throws IOException, InterruptedException {
        if (!requests.isEmpty()) {
          InjectedFailures.of(run).beforeCommit();
        }
        committer.commit(requests);
      }

      @Override
      public void close() throws Exception {
        committer.close();
      }
    };
  }

  @Override
  public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
    return sink.getCommittableSerializer();
  }

  @Override
  public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committed) {
    sink.addPostCommitTopology(committed);
  }
}
