package io.streamlearn.deploy;

import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_DEAD_LETTERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_LABELS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_METRICS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_PREDICTIONS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_SAMPLES;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.util.Set;
import java.util.TreeSet;

/** The topics a job configuration reads and writes: the ones a deployment must create. */
final class JobTopics {

  private JobTopics() {}

  static Set<String> of(StreamlearnConfig job) {
    Set<String> topics = new TreeSet<>();
    topics.add(job.get(KAFKA_TOPIC_SAMPLES));
    topics.add(job.get(KAFKA_TOPIC_PREDICTIONS));
    topics.add(job.get(KAFKA_TOPIC_CHECKPOINTS));
    topics.add(job.get(KAFKA_TOPIC_DEAD_LETTERS));
    topics.add(job.get(KAFKA_TOPIC_METRICS));
    if (job.get(KAFKA_TOPIC_LABELS) != null) {
      topics.add(job.get(KAFKA_TOPIC_LABELS));
    }
    return topics;
  }
}
