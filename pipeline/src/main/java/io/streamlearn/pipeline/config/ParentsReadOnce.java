package io.streamlearn.pipeline.config;

import io.streamlearn.schemas.ModelCheckpoint;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Parent checkpoints, each key read once per configuration: the default model and the overrides
 * that start from one parent start from the same checkpoint, even while the parent publishes newer
 * ones, and a topic that cannot be read is not waited for again. It remembers which versions it
 * found, for the run to say where its new keys start.
 */
final class ParentsReadOnce implements ParentCheckpoints {

  private final ParentCheckpoints parents;
  private final Map<String, Supplier<Optional<ModelCheckpoint>>> read = new HashMap<>();

  ParentsReadOnce(ParentCheckpoints parents) {
    this.parents = parents;
  }

  @Override
  public Optional<ModelCheckpoint> latest(ReadableConfig job, String key) {
    return read.computeIfAbsent(
            key,
            unread -> {
              try {
                Optional<ModelCheckpoint> latest = parents.latest(job, unread);
                return () -> latest;
              } catch (ConfigException e) {
                return () -> {
                  throw e;
                };
              }
            })
        .get();
  }

  /**
   * The version of each parent key's checkpoint, by key; for a valid configuration, where every
   * parent key was found.
   */
  SortedMap<String, Long> versions() {
    SortedMap<String, Long> versions = new TreeMap<>();
    read.forEach(
        (key, found) ->
            found.get().ifPresent(checkpoint -> versions.put(key, checkpoint.getVersion())));
    return versions;
  }
}
