package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs {@link MiniBatchDrain} as Flink runs any keyed process function, with the same state and
 * timers, and tells it at open which keys the restored state holds an open batch of: the only keys
 * it must drain, so that the others' samples pass without a state read.
 */
public class MiniBatchDrainOperator
    extends KeyedProcessOperator<String, LabeledSample, LabeledSample> {

  private static final long serialVersionUID = 1L;

  public MiniBatchDrainOperator() {
    super(new MiniBatchDrain());
  }

  @Override
  public void open() throws Exception {
    super.open();
    Set<String> undrained;
    try (Stream<String> keys =
        this.<String>getKeyedStateBackend()
            .getKeys(OpenBatch.countDescriptor().getName(), VoidNamespace.INSTANCE)) {
      undrained = keys.collect(Collectors.toCollection(HashSet::new));
    }
    ((MiniBatchDrain) getUserFunction()).restored(undrained);
  }
}
