package io.streamlearn.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The failures a test injects into one job run, and what the run's tasks report back: attempts,
 * restored checkpoints, parallelism and state backend.
 *
 * <p>The job's functions are serialized copies; they find their run's instance by name in a static
 * map. A MiniCluster runs them in the test's JVM, so what is counted here survives task restarts,
 * and each planned failure fires exactly once.
 */
final class InjectedFailures {

  /** Where in the job a failure is thrown. */
  enum Point {
    /** In the trainer, after a training step: its predictions and state change are uncommitted. */
    AFTER_TRAINING_STEP,
    /**
     * In the predictions sink's committer, before it commits: the checkpoint is complete, its Kafka
     * transactions are prepared but not committed.
     */
    BEFORE_COMMIT,
    /**
     * In the trainer's checkpoint-complete notification. Flink notifies the operators of a chain
     * tail first, so the chained predictions committer has committed the checkpoint's transaction
     * by then: recovery restores a checkpoint whose predictions are committed already. The model
     * checkpoints' committer runs in a task of its own and may commit before or after.
     */
    AFTER_COMMIT
  }

  /**
   * A failure at {@code point}, once at least {@code afterSteps} training steps (over all subtasks
   * and attempts, replayed steps included) have run and a checkpoint of the run has completed, so
   * that recovery restores state taken mid-stream rather than starting over.
   */
  record Failure(Point point, int afterSteps) {}

  private static final Map<String, InjectedFailures> BY_RUN = new ConcurrentHashMap<>();

  /** A pause after each batch a trainer takes (see {@link #batchTrained}). */
  private static final long PACE_MILLIS = 20;

  private static final ValueStateDescriptor<Integer> BACKEND_PROBE =
      new ValueStateDescriptor<>("state-backend-probe", Types.INT);

  private final Deque<Failure> pending;
  private final List<String> fired = new ArrayList<>();
  private final List<Integer> stepsAtCheckpoints = new ArrayList<>();
  private int steps;
  private boolean checkpointCompleted;

  private final Set<Integer> attempts = ConcurrentHashMap.newKeySet();
  private final Set<Integer> parallelisms = ConcurrentHashMap.newKeySet();
  private final Set<Long> restoredCheckpoints = ConcurrentHashMap.newKeySet();
  private final Set<String> stateClasses = ConcurrentHashMap.newKeySet();

  private InjectedFailures(List<Failure> plan) {
    List<Failure> ordered = new ArrayList<>(plan);
    ordered.sort(Comparator.comparingInt(Failure::afterSteps));
    this.pending = new ArrayDeque<>(ordered);
  }

  /** Plans the failures of the run named {@code runName}, replacing an earlier plan. */
  static InjectedFailures plan(String runName, List<Failure> failures) {
    InjectedFailures plan = new InjectedFailures(failures);
    BY_RUN.put(runName, plan);
    return plan;
  }

  static InjectedFailures of(String runName) {
    InjectedFailures plan = BY_RUN.get(runName);
    if (plan == null) {
      throw new IllegalStateException("No failures planned for run " + runName);
    }
    return plan;
  }

  /**
   * A trainer subtask's state was initialized: records the checkpoint it restored, if any, and the
   * class of a keyed state object, which names the state backend (HeapValueState,
   * RocksDBValueState).
   */
  void initialized(OptionalLong restoredCheckpoint, KeyedStateStore keyedState) {
    restoredCheckpoint.ifPresent(this::restoredFrom);
    stateHeldBy(keyedState.getState(BACKEND_PROBE).getClass().getSimpleName());
  }

  /** A trainer subtask opened: records its attempt and the job's parallelism. */
  void opened(TaskInfo task) {
    started(task.getAttemptNumber(), task.getNumberOfParallelSubtasks());
  }

  /**
   * A trainer subtask took a batch (every batch of these tests is labeled, so each batch is one
   * step): fails if the plan says so, then pauses, so that a run of a few hundred steps lasts
   * several checkpoint intervals however fast the machine is, and failures fall between
   * checkpoints.
   */
  void batchTrained() throws InterruptedException {
    afterTrainingStep();
    Thread.sleep(PACE_MILLIS);
  }

  synchronized void afterTrainingStep() {
    steps++;
    failIfDue(Point.AFTER_TRAINING_STEP);
  }

  synchronized void beforeCommit() {
    failIfDue(Point.BEFORE_COMMIT);
  }

  synchronized void checkpointCompleted() {
    stepsAtCheckpoints.add(steps);
    checkpointCompleted = true;
    failIfDue(Point.AFTER_COMMIT);
  }

  void started(int attempt, int parallelism) {
    attempts.add(attempt);
    parallelisms.add(parallelism);
  }

  void restoredFrom(long checkpointId) {
    restoredCheckpoints.add(checkpointId);
  }

  void stateHeldBy(String stateClass) {
    stateClasses.add(stateClass);
  }

  /** The failures thrown so far, described. */
  synchronized List<String> fired() {
    return List.copyOf(fired);
  }

  /**
   * The step count whenever a trainer subtask heard that a checkpoint completed: where failures
   * could fire.
   */
  synchronized List<Integer> stepsAtCheckpoints() {
    return List.copyOf(stepsAtCheckpoints);
  }

  /** Restarts of the job: its tasks' highest attempt number. */
  int restarts() {
    return attempts.stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  Set<Integer> parallelisms() {
    return Set.copyOf(parallelisms);
  }

  Set<Long> restoredCheckpoints() {
    return Set.copyOf(restoredCheckpoints);
  }

  /** Simple class names of the trainer's keyed state objects: they name the state backend. */
  Set<String> stateClasses() {
    return Set.copyOf(stateClasses);
  }

  private void failIfDue(Point point) {
    Failure next = pending.peek();
    if (next == null
        || next.point() != point
        || steps < next.afterSteps()
        || !checkpointCompleted) {
      return;
    }
    pending.remove();
    String description = point + " at step " + steps;
    fired.add(description);
    throw new InjectedFailure(description);
  }

  /** Thrown by plan; without a stack trace, which would only repeat the test's own frames. */
  static final class InjectedFailure extends RuntimeException {
    InjectedFailure(String description) {
      super("Injected failure " + description, null, false, false);
    }
  }
}
