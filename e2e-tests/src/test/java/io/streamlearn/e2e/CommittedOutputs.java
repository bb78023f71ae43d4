package io.streamlearn.e2e;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The predictions and model checkpoints a running job has committed, as a read_committed consumer
 * downstream sees them, read as they come (across restarts of the job and of the broker), and what
 * exactly-once training promises about them.
 */
final class CommittedOutputs implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String predictionsTopic;
  private final List<Prediction> predictions = new ArrayList<>();
  private final List<ModelCheckpoint> checkpoints = new ArrayList<>();
  private final WireCodec<Prediction> predictionCodec = WireCodec.predictions();
  private final WireCodec<ModelCheckpoint> checkpointCodec = WireCodec.modelCheckpoints();

  /** Reads both topics from their beginning; the checkpoints topic must have one partition. */
  CommittedOutputs(String bootstrapServers, String predictionsTopic, String checkpointsTopic) {
    this.predictionsTopic = predictionsTopic;
    this.consumer = KafkaConnectors.committedConsumer(bootstrapServers);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(predictionsTopic, checkpointsTopic)) {
      consumer
          .partitionsFor(topic)
          .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * Reads until {@code condition} holds for what has been read, or the timeout passes.
   *
   * @return whether the condition held
   */
  boolean readUntil(Duration timeout, Predicate<CommittedOutputs> condition)
      throws InterruptedException {
    return Await.until(
        timeout,
        () -> {
          read();
          return condition.test(this);
        });
  }

  List<Prediction> predictions() {
    return List.copyOf(predictions);
  }

  List<ModelCheckpoint> checkpoints() {
    return List.copyOf(checkpoints);
  }

  /**
   * Whether each key's last published model has trained on all of the key's samples and a
   * prediction per sample has been read: the job has trained every sample and committed the result.
   * Both are needed, because the predictions and the models go out through two sinks, whose
   * transactions commit one after the other, and a poll may return one topic's records before the
   * other's.
   */
  boolean trainedAndPredicted(List<LabeledSample> samples) {
    return samplesSeenByLastModels().equals(samplesPerKey(samples))
        && predictions.size() >= samples.size();
  }

  /**
   * What exactly-once training promises: one committed prediction per sample, each key's model
   * versions published in increasing order (none twice, none going back), its predictions made by
   * versions that never go back, and each key's last model counting each of its samples once.
   */
  void assertEachSampleCountedOnce(List<LabeledSample> samples) {
    // Compared as numbers first: a failing comparison of thousands of ids is unreadable.
    Map<String, Long> predictionsPerSample =
        predictions.stream().collect(groupingBy(Prediction::getSampleId, counting()));
    assertThat(predictionsPerSample.values().stream().filter(count -> count > 1).count())
        .as("sample ids predicted more than once")
        .isZero();
    assertThat(predictions.size()).as("committed predictions").isEqualTo(samples.size());
    assertThat(predictionsPerSample.keySet())
        .containsExactlyInAnyOrderElementsOf(samples.stream().map(LabeledSample::getId).toList());

    versionsPerKey(checkpoints, ModelCheckpoint::getKey, ModelCheckpoint::getVersion)
        .forEach(
            (key, versions) ->
                assertThat(versions)
                    .as("model versions %s published, in topic order", key)
                    .isSorted()
                    .doesNotHaveDuplicates());
    versionsPerKey(predictions, Prediction::getKey, Prediction::getModelVersion)
        .forEach(
            (key, versions) ->
                assertThat(versions).as("model versions of %s's predictions", key).isSorted());
    assertThat(samplesSeenByLastModels())
        .as("samples seen by each key's last published model")
        .isEqualTo(samplesPerKey(samples));
  }

  /** Each key's versions in the order read, which is topic order: one partition holds a key. */
  private static <T> Map<String, List<Long>> versionsPerKey(
      List<T> records, Function<T, String> key, Function<T, Long> version) {
    return records.stream()
        .collect(groupingBy(key, LinkedHashMap::new, mapping(version, toList())));
  }

  private Map<String, Long> samplesSeenByLastModels() {
    Map<String, Long> lastSeen = new LinkedHashMap<>();
    checkpoints.forEach(model -> lastSeen.put(model.getKey(), model.getSamplesSeen()));
    return lastSeen;
  }

  private static Map<String, Long> samplesPerKey(List<LabeledSample> samples) {
    return samples.stream().collect(groupingBy(LabeledSample::getKey, counting()));
  }

  private void read() {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
      if (record.topic().equals(predictionsTopic)) {
        predictions.add(KafkaConnectors.decode(predictionCodec, record));
      } else {
        checkpoints.add(KafkaConnectors.decode(checkpointCodec, record));
      }
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
