package io.streamlearn.bench;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.SstFileReader;
import org.rocksdb.SstFileReaderIterator;
import org.rocksdb.TableProperties;

/**
 * The RocksDB files an operator's keyed state consists of in a checkpoint, and what their SST files
 * hold. Flink 2's RocksDB checkpoints, full ones too, are copies of the database's own files: SST
 * files hold every version of a key's value, and every deletion, that no compaction has merged away
 * yet.
 */
final class RocksDbFiles {

  private RocksDbFiles() {}

  /** Bytes per file kind (its extension, or its name) of the operator with {@code operatorUid}. */
  static Map<String, Long> of(Path checkpoint, String operatorUid) throws Exception {
    Map<String, Long> sizes = new TreeMap<>();
    for (KeyedStateHandle handle : keyedState(checkpoint, operatorUid)) {
      if (handle instanceof IncrementalRemoteKeyedStateHandle files) {
        files.getSharedState().forEach(file -> add(sizes, file));
        files.getPrivateState().forEach(file -> add(sizes, file));
        sizes.merge("metadata", files.getMetaDataStateHandle().getStateSize(), Long::sum);
      } else {
        sizes.merge(handle.getClass().getSimpleName(), handle.getStateSize(), Long::sum);
      }
    }
    return sizes;
  }

  /**
   * What the operator's SST files hold, per column family (one per state): read with RocksDB's own
   * {@code SstFileReader}, each file's table properties and every entry it lists.
   */
  static Map<String, SstContents> sstContents(Path checkpoint, String operatorUid)
      throws Exception {
    RocksDB.loadLibrary();
    Map<String, SstContents> contents = new TreeMap<>();
    Path copy = Files.createTempFile("streamlearn-sst", ".sst");
    try (Options options = new Options();
        ReadOptions read = new ReadOptions()) {
      for (KeyedStateHandle handle : keyedState(checkpoint, operatorUid)) {
        if (!(handle instanceof IncrementalRemoteKeyedStateHandle files)) {
          continue;
        }
        List<HandleAndLocalPath> all = new ArrayList<>(files.getSharedState());
        all.addAll(files.getPrivateState());
        for (HandleAndLocalPath file : all) {
          if (!file.getLocalPath().endsWith(".sst")) {
            continue;
          }
          // Small files are kept inside the checkpoint's metadata: copied out, all are files.
          try (InputStream in = file.getHandle().openInputStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
          }
          try (SstFileReader reader = new SstFileReader(options)) {
            reader.open(copy.toString());
            TableProperties properties = reader.getTableProperties();
            SstContents family =
                contents.computeIfAbsent(
                    new String(properties.getColumnFamilyName(), StandardCharsets.UTF_8),
                    name -> new SstContents());
            family.add(file.getStateSize(), properties);
            try (SstFileReaderIterator entries = reader.newIterator(read)) {
              for (entries.seekToFirst(); entries.isValid(); entries.next()) {
                family.addValue(entries.key(), entries.value().length);
              }
            }
          }
        }
      }
    } finally {
      Files.deleteIfExists(copy);
    }
    return contents;
  }

  /**
   * One column family's SST files: their bytes, RocksDB's counts of entries and deletions, and the
   * sizes of the values each key has in them, one per file that holds the key.
   */
  static final class SstContents {
    private int files;
    private long fileBytes;
    private long entries;
    private long deletions;
    private final Map<String, List<Integer>> valueSizes = new HashMap<>();

    private void add(long bytes, TableProperties properties) {
      files++;
      fileBytes += bytes;
      entries += properties.getNumEntries();
      deletions += properties.getNumDeletions();
    }

    private void addValue(byte[] key, int bytes) {
      valueSizes
          .computeIfAbsent(Base64.getEncoder().encodeToString(key), k -> new ArrayList<>())
          .add(bytes);
    }

    int files() {
      return files;
    }

    long fileBytes() {
      return fileBytes;
    }

    /** Entries RocksDB counts in the files: values and deletions. */
    long entries() {
      return entries;
    }

    long deletions() {
      return deletions;
    }

    /** Keys with a value in some file. */
    int distinctKeys() {
      return valueSizes.size();
    }

    /** Bytes of all values the files hold. */
    long valueBytes() {
      return valueSizes.values().stream().flatMap(List::stream).mapToLong(Integer::longValue).sum();
    }

    /**
     * Bytes of values that another file holds a version of too: all but one per key (the largest
     * counted as the live one, so this is a lower bound of the superseded bytes).
     */
    long supersededValueBytes() {
      return valueBytes()
          - valueSizes.values().stream()
              .mapToLong(sizes -> sizes.stream().mapToInt(Integer::intValue).max().orElse(0))
              .sum();
    }
  }

  private static List<KeyedStateHandle> keyedState(Path checkpoint, String operatorUid)
      throws Exception {
    List<KeyedStateHandle> handles = new ArrayList<>();
    try (DataInputStream in =
        new DataInputStream(Files.newInputStream(checkpoint.resolve("_metadata")))) {
      for (OperatorState operator :
          Checkpoints.loadCheckpointMetadata(
                  in, RocksDbFiles.class.getClassLoader(), checkpoint.toString())
              .getOperatorStates()) {
        if (operator
            .getOperatorUid()
            .or(operator::getOperatorName)
            .orElse("")
            .equals(operatorUid)) {
          for (OperatorSubtaskState subtask : operator.getStates()) {
            subtask.getManagedKeyedState().forEach(handles::add);
          }
        }
      }
    }
    return handles;
  }

  private static void add(Map<String, Long> sizes, HandleAndLocalPath file) {
    String name = file.getLocalPath();
    int dot = name.lastIndexOf('.');
    String kind = dot < 0 ? name.replaceAll("-\\d+$", "") : name.substring(dot + 1) + " files";
    sizes.merge(kind, file.getStateSize(), Long::sum);
    sizes.merge(kind + " (count)", 1L, Long::sum);
  }
}
