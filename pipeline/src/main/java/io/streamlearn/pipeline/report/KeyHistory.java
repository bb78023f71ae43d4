package io.streamlearn.pipeline.report;

import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The metrics events of one model key, or of the whole job ({@code key == null}), each kind in
 * stream order.
 */
record KeyHistory(String key, List<MetricsEvent> snapshots, List<MetricsEvent> drifts) {

  private static final Comparator<MetricsEvent> STREAM_ORDER =
      Comparator.comparingLong(MetricsEvent::getPosition).thenComparing(MetricsEvent::getTime);

  /** The whole job first, then the keys in alphabetical order; keys without events are absent. */
  static List<KeyHistory> of(List<MetricsEvent> events) {
    Map<String, List<MetricsEvent>> byKey =
        new TreeMap<>(Comparator.nullsFirst(Comparator.<String>naturalOrder()));
    for (MetricsEvent event : events) {
      byKey.computeIfAbsent(event.getKey(), key -> new ArrayList<>()).add(event);
    }
    List<KeyHistory> histories = new ArrayList<>();
    byKey.forEach((key, keyEvents) -> histories.add(split(key, keyEvents)));
    return histories;
  }

  private static KeyHistory split(String key, List<MetricsEvent> events) {
    List<MetricsEvent> snapshots = new ArrayList<>();
    List<MetricsEvent> drifts = new ArrayList<>();
    for (MetricsEvent event : events) {
      (event.getKind() == MetricsEventKind.DRIFT ? drifts : snapshots).add(event);
    }
    snapshots.sort(STREAM_ORDER);
    drifts.sort(STREAM_ORDER);
    return new KeyHistory(key, List.copyOf(snapshots), List.copyOf(drifts));
  }

  boolean isOverall() {
    return key == null;
  }

  String title() {
    return isOverall() ? "Overall" : "Key " + key;
  }

  Optional<MetricsEvent> lastSnapshot() {
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  /** The last position any of the key's events is at, 0 without events. */
  long lastPosition() {
    return Stream.concat(snapshots.stream(), drifts.stream())
        .mapToLong(MetricsEvent::getPosition)
        .max()
        .orElse(0);
  }

  /** The highest model version any event of the key names: versions only grow. */
  Optional<Long> latestModelVersion() {
    return Stream.concat(snapshots.stream(), drifts.stream())
        .map(MetricsEvent::getModelVersion)
        .filter(Objects::nonNull)
        .max(Comparator.naturalOrder());
  }
}
