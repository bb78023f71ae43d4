package io.streamlearn.pipeline.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker for the tests of one class: registered as a static field, it starts the
 * broker in a directory of its own before the class's {@code @BeforeAll} methods and stops the
 * broker's JVM after its tests, whether they passed or failed.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

  private final String serverProperties;
  private final String saslUser;
  private final String saslPassword;
  private Path workDir;
  private KafkaBroker broker;

  public KafkaBrokerExtension() {
    this("");
  }

  /** A broker with these lines of server properties overriding its settings. */
  public KafkaBrokerExtension(String serverProperties) {
    this(serverProperties, null, null);
  }

  private KafkaBrokerExtension(String serverProperties, String saslUser, String saslPassword) {
    this.serverProperties = serverProperties;
    this.saslUser = saslUser;
    this.saslPassword = saslPassword;
  }

  /**
   * A broker with a SASL_PLAINTEXT listener as well, where {@code user} authenticates with {@code
   * password} (see {@link KafkaBroker#startWithSaslUser}).
   */
  public static KafkaBrokerExtension withSaslUser(
      String user, String password, String serverProperties) {
    return new KafkaBrokerExtension(serverProperties, user, password);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    workDir = Files.createTempDirectory("kafka-broker-it");
    broker =
        saslUser == null
            ? KafkaBroker.start(workDir, serverProperties)
            : KafkaBroker.startWithSaslUser(workDir, saslUser, saslPassword, serverProperties);
  }

  /** Stops the broker, also when a test or the start failed, and removes its directory. */
  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (broker != null) {
      broker.close();
    }
    if (workDir != null) {
      FileUtils.deleteDirectory(workDir.toFile());
    }
  }

  public KafkaBroker broker() {
    return broker;
  }
}
