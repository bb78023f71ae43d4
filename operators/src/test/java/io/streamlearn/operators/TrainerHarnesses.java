package io.streamlearn.operators;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Opens trainer harnesses for a test and closes them after it (register it as an extension). */
final class TrainerHarnesses implements AfterEachCallback {

  private final List<AutoCloseable> opened = new ArrayList<>();

  TrainerHarness open(TrainerSettings settings) throws Exception {
    return open(new TrainerHarness(new OnlineTrainer(settings, TrainerHarness.BATCH_PER_CALL)));
  }

  /** A harness of the fused trainer. */
  TrainerHarness openFused(TrainerSettings settings, int fuseKeys, Duration maxDelay)
      throws Exception {
    return open(
        new TrainerHarness(
            new FusedTrainer(settings, TrainerHarness.BATCH_PER_CALL, fuseKeys, maxDelay)));
  }

  /** Opens a harness that is closed after the test. */
  TrainerHarness open(TrainerHarness harness) throws Exception {
    opened.add(harness);
    harness.open();
    return harness;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (AutoCloseable harness : opened) {
      harness.close();
    }
    opened.clear();
  }
}
