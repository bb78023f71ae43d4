package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.cli.Cli.streamlearn;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.cli.Cli.Result;
import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How {@code run} chooses where to start, against a real broker, before any job starts. */
class StartingPointITCase {

  @TempDir Path workDir;
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @ParameterizedTest
  @ValueSource(strings = {"latest", "none"})
  void refusesNewModelsWhereTheConsumerGroupHasCommittedOffsets(String resume) throws Exception {
    KAFKA.broker().createTopic("consumed-" + resume, 1);
    commitOffset("group-" + resume, new TopicPartition("consumed-" + resume, 0), 0);

    Result result =
        streamlearn(
            "run",
            "--config",
            config("consumed-" + resume, "group-" + resume).toString(),
            "--resume",
            resume);

    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err())
        .contains("consumer group 'group-" + resume + "' has committed offsets on consumed-")
        .contains("has no checkpoint to resume from in " + workDir.resolve("state").resolve("j"))
        .contains("models would begin again from zero")
        .contains("--start-fresh");
  }

  @Test
  void refusesAResumePathThatHoldsNoCompleteCheckpoint() throws Exception {
    Path incomplete = Files.createDirectories(workDir.resolve("chk-3"));
    // run checks its input topic first, so the refusal must come from the resume path.
    KAFKA.broker().createTopic("resume-path", 1);

    Result result =
        streamlearn(
            "run",
            "--config",
            config("resume-path", "unused").toString(),
            "--resume",
            incomplete.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("not a complete checkpoint or savepoint (no _metadata");
  }

  @ParameterizedTest
  @ValueSource(strings = {"savepoint", "stop"})
  void savepointAndStopSayWhenNoRunOfTheJobIsRunning(String command) throws Exception {
    Result result = streamlearn(command, "--config", config("unused", "unused").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("no 'run' of job j is running on this machine")
        .contains("--jobmanager");
  }

  private Path config(String samplesTopic, String group) throws Exception {
    return Files.writeString(
        workDir.resolve("job.yaml"),
        String.join(
            "\n",
            "kafka.bootstrap-servers: " + KAFKA.broker().bootstrapServers(),
            "kafka.topic.samples: " + samplesTopic,
            "kafka.group-id: " + group,
            "model.features: 3",
            "job.name: j",
            "job.state-dir: " + workDir.resolve("state"),
            ""));
  }

  private static void commitOffset(String group, TopicPartition partition, long offset) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.broker().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)));
    }
  }
}
