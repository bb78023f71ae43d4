package io.streamlearn.bench;

import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;

/**
 * The RocksDB files an operator's keyed state consists of in a checkpoint. Flink 2's RocksDB
 * checkpoints, full ones too, are copies of the database's own files: SST files hold every version
 * of a key's value, and every deletion, that no compaction has merged away yet.
 */
final class RocksDbFiles {

  private RocksDbFiles() {}

  /** Bytes per file kind (its extension, or its name) of the operator with {@code operatorUid}. */
  static Map<String, Long> of(Path checkpoint, String operatorUid) throws Exception {
    Map<String, Long> sizes = new TreeMap<>();
    try (DataInputStream in =
        new DataInputStream(Files.newInputStream(checkpoint.resolve("_metadata")))) {
      for (OperatorState operator :
          Checkpoints.loadCheckpointMetadata(
                  in, RocksDbFiles.class.getClassLoader(), checkpoint.toString())
              .getOperatorStates()) {
        if (!operator
            .getOperatorUid()
            .or(operator::getOperatorName)
            .orElse("")
            .equals(operatorUid)) {
          continue;
        }
        for (OperatorSubtaskState subtask : operator.getStates()) {
          for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
            if (handle instanceof IncrementalRemoteKeyedStateHandle files) {
              files.getSharedState().forEach(file -> add(sizes, file));
              files.getPrivateState().forEach(file -> add(sizes, file));
              sizes.merge("metadata", files.getMetaDataStateHandle().getStateSize(), Long::sum);
            } else {
              sizes.merge(handle.getClass().getSimpleName(), handle.getStateSize(), Long::sum);
            }
          }
        }
      }
    }
    return sizes;
  }

  private static void add(Map<String, Long> sizes, HandleAndLocalPath file) {
    String name = file.getLocalPath();
    int dot = name.lastIndexOf('.');
    String kind = dot < 0 ? name.replaceAll("-\\d+$", "") : name.substring(dot + 1) + " files";
    sizes.merge(kind, file.getStateSize(), Long::sum);
    sizes.merge(kind + " (count)", 1L, Long::sum);
  }
}
