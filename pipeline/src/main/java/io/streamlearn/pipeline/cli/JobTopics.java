package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_DEAD_LETTERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_LABELS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_METRICS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_PREDICTIONS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_SAMPLES;

import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.kafka.KafkaPreflight;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code run} options that concern the job's topics, and the check that runs before the job
 * does: the brokers answer, and the topics the job reads exist (created first with {@code
 * --create-topics}). Without it a missing samples topic shows as a job that fails over every
 * minute, and unreachable brokers as one that never says why.
 */
final class JobTopics {

  @Option(
      names = "--create-topics",
      description =
          "Create the job's topics that do not exist (samples, labels if set, predictions,"
              + " checkpoints, dead letters, metrics) before starting it.")
  boolean create;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Partitions of each topic --create-topics creates (default: ${DEFAULT-VALUE}). The job"
              + " reads the samples topic with at most this many parallel readers.")
  int partitions;

  @Option(
      names = "--replication-factor",
      paramLabel = "R",
      defaultValue = "1",
      description =
          "Replicas of each topic --create-topics creates; at most the number of brokers"
              + " (default: ${DEFAULT-VALUE}).")
  short replicationFactor;

  /**
   * Checks the configuration's brokers and topics, creating the topics first if asked; what it
   * creates is said on {@code out}, and what the job writes to but is missing on {@code err}.
   *
   * @throws io.streamlearn.pipeline.kafka.KafkaUnavailableException if the brokers cannot be used
   *     or a topic the job reads is missing
   */
  void prepare(StreamlearnConfig config, PrintWriter out, PrintWriter err) {
    if (partitions < 1 || replicationFactor < 1) {
      throw new IllegalArgumentException("--partitions and --replication-factor must be >= 1");
    }
    List<String> inputs = new ArrayList<>(List.of(config.get(KAFKA_TOPIC_SAMPLES)));
    if (config.get(KAFKA_TOPIC_LABELS) != null) {
      inputs.add(config.get(KAFKA_TOPIC_LABELS));
    }
    List<String> outputs =
        List.of(
            config.get(KAFKA_TOPIC_PREDICTIONS),
            config.get(KAFKA_TOPIC_CHECKPOINTS),
            config.get(KAFKA_TOPIC_DEAD_LETTERS),
            config.get(KAFKA_TOPIC_METRICS));
    try (KafkaPreflight kafka = KafkaPreflight.connect(KafkaJob.kafkaClientSettings(config))) {
      if (create) {
        List<String> all = new ArrayList<>(inputs);
        all.addAll(outputs);
        List<String> created = kafka.createMissingTopics(all, partitions, replicationFactor);
        if (!created.isEmpty()) {
          out.println(
              "Created topics "
                  + String.join(", ", created)
                  + " ("
                  + partitions
                  + " partitions, replication factor "
                  + replicationFactor
                  + ")");
        }
      }
      kafka.requireTopics(inputs, " that the job reads: create it, or run with --create-topics");
      List<String> missingOutputs = kafka.missingTopics(outputs);
      if (!missingOutputs.isEmpty()) {
        err.println(
            "Warning: no topics "
                + String.join(", ", missingOutputs)
                + " yet; the job fails over until the brokers create them (--create-topics"
                + " creates them now)");
      }
    }
  }
}
