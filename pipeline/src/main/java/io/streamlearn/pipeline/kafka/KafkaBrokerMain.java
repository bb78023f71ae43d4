package io.streamlearn.pipeline.kafka;

import java.io.IOException;
import java.io.InputStream;
import kafka.tools.StorageTool;

/**
 * Main class of the child JVM that {@link KafkaBroker} starts: formats the KRaft storage, then runs
 * Apache Kafka's own broker (combined broker and controller) until the parent goes away.
 *
 * <p>Arguments: {@code <server.properties> <cluster id>}.
 */
public final class KafkaBrokerMain {

  private KafkaBrokerMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: KafkaBrokerMain <server.properties> <cluster id>");
    }
    String serverProperties = args[0];
    String clusterId = args[1];
    exitWhenParentGoesAway();

    // Formatting in this JVM saves a second JVM start (~2 s). StorageTool.main would end the JVM
    // with Exit.exit; execute() returns the exit code instead. --ignore-formatted lets a broker
    // restart on a work directory that already holds data.
    int formatExit =
        StorageTool.execute(
            new String[] {
              "format",
              "--config",
              serverProperties,
              "--cluster-id",
              clusterId,
              "--ignore-formatted"
            },
            System.out);
    if (formatExit != 0) {
      System.out.println("Formatting the storage failed with exit code " + formatExit);
      System.exit(formatExit);
    }

    // Kafka's own entry point: it registers the shutdown hook that stops the broker cleanly on
    // SIGTERM or System.exit, and exits the JVM itself when startup fails.
    kafka.Kafka.main(new String[] {serverProperties});
  }

  /**
   * The parent holds this process's stdin open for as long as it lives, so end of input means the
   * parent has ended, even by SIGKILL, when no shutdown hook of the parent ran. Exiting then runs
   * Kafka's shutdown hook, so no broker outlives the test run or the demo that started it.
   */
  private static void exitWhenParentGoesAway() {
    Thread watcher =
        new Thread(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() != -1) {
                  // The parent never writes; anything it does write is ignored.
                }
              } catch (IOException e) {
                // A broken pipe means the same as end of input: the parent is gone.
              }
              System.out.println("Parent process went away (stdin closed): stopping the broker");
              System.exit(0);
            },
            "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }
}
