package io.streamlearn.pipeline;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster of an ITCase: one TaskManager with the slots its jobs need. */
public final class MiniClusters {

  private MiniClusters() {}

  /**
   * Slots for the job's parallelism: 2 for the Kafka-wired job, 1 where a bounded source must be
   * read by one reader to keep each key's order.
   */
  public static MiniClusterExtension withSlots(int slots) {
    return withSlots(slots, new Configuration());
  }

  /** As {@link #withSlots(int)}, with the metrics of its jobs kept by {@code metrics}. */
  public static MiniClusterExtension withSlots(int slots, InMemoryReporter metrics) {
    return withSlots(slots, metrics.addToConfiguration(new Configuration()));
  }

  private static MiniClusterExtension withSlots(int slots, Configuration configuration) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(configuration)
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(slots)
            .build());
  }
}
