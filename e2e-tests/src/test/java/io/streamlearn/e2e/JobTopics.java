package io.streamlearn.e2e;

import io.streamlearn.pipeline.kafka.KafkaBroker;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The topics of a job with the default topic names, as the end-to-end tests create them. */
final class JobTopics {

  private JobTopics() {}

  static void create(KafkaBroker kafka)
      throws InterruptedException, ExecutionException, TimeoutException {
    kafka.createTopic("samples", 2);
    kafka.createTopic("predictions", 2);
    // One partition: a key's checkpoints are read back in the order they were published.
    kafka.createTopic("model-checkpoints", 1);
    // The job sends records it cannot use there; the broker creates no topic by itself.
    kafka.createTopic("dead-letters", 1);
    kafka.createTopic("metrics", 1);
  }
}
