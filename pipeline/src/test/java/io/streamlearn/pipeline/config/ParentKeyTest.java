package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * model.initial.parent-key's rules, and what it says when the checkpoints cannot be read; starting
 * from a parent's checkpoint in a real broker is ParentKeyITCase's.
 */
class ParentKeyTest {

  @Test
  void aParentKeyAndAnInitialFileTogetherAreAnError() {
    assertThat(
            problemsOf(
                required(
                    "model.initial", "warm.zip",
                    "model.initial.parent-key", "global")))
        .containsExactly(
            "model.initial.parent-key: 'global' cannot be set together with model.initial: new"
                + " keys start from a file or from another key's checkpoint; remove one");
  }

  @Test
  void aParentKeyDefinesTheNetworkSoCompactKeysAreAnError() {
    assertThat(
            problemsOf(
                required(
                    "model.initial.parent-key", "global",
                    "model.hidden-layers", "8")))
        .containsExactly(
            "model.hidden-layers: '8' cannot be set together with model.initial.parent-key, whose"
                + " model defines the whole network; remove one of the two");
  }

  @Test
  void anUnreachableBrokerStopsTheConfigurationNamingTheSettingAndTheServers() throws IOException {
    String closed = "127.0.0.1:" + closedPort();

    List<String> problems =
        problemsOf(
            required("kafka.bootstrap-servers", closed, "model.initial.parent-key", "global"));

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0))
        .startsWith(
            "model.initial.parent-key: cannot read the checkpoints of key 'global' from"
                + " model-checkpoints: Kafka at "
                + closed
                + " cannot be reached: "
                + closed
                + ": connection refused");
  }

  @Test
  void aParentKeyWithOptionsOfInitialModelsIsNotRefusedForThem() throws IOException {
    // freeze-layers is model.initial.*'s, and applies to a parent's model too: no rule objects to
    // it, only the closed broker does.
    List<String> problems =
        problemsOf(
            required(
                "kafka.bootstrap-servers", "127.0.0.1:" + closedPort(),
                "model.initial.parent-key", "global",
                "model.initial.freeze-layers", "1"));

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("model.initial.parent-key: cannot read");
  }

  @Test
  void anOverridesParentKeyIsNamedAfterItsEntry() throws IOException {
    String closed = "127.0.0.1:" + closedPort();

    List<String> problems =
        problemsOf(
            required(
                "kafka.bootstrap-servers", closed,
                "model.overrides[0].pattern", "line-.*",
                "model.overrides[0].initial.parent-key", "line-0"));

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith(
            "model.overrides[0].initial.parent-key: cannot read the checkpoints of key 'line-0'"
                + " from model-checkpoints: Kafka at "
                + closed);
  }

  @Test
  void eachParentKeyIsReadOncePerConfiguration() throws IOException {
    List<String> asked = new ArrayList<>();
    ParentCheckpoints closedBroker = ParentCheckpoints.fromKafka();
    ParentCheckpoints counted =
        (job, key) -> {
          asked.add(key);
          return closedBroker.latest(job, key);
        };
    Map<String, String> options =
        required(
            "kafka.bootstrap-servers", "127.0.0.1:" + closedPort(),
            "model.initial.parent-key", "global",
            // Inherits the default's parent: the same checkpoint, not read again.
            "model.overrides[0].pattern", "slow-.*",
            "model.overrides[0].steps-per-batch", "2",
            "model.overrides[1].pattern", "line-.*",
            "model.overrides[1].initial.parent-key", "line-0");

    assertThatThrownBy(() -> StreamlearnConfig.fromMap(options, counted))
        .isInstanceOf(ConfigException.class);

    assertThat(asked).containsExactly("global", "line-0");
  }

  /** A loopback port nothing listens on: taken, then released. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
