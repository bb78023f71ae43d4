package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.LabeledSample;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongFunction;

/** What the generator tests share. */
final class GeneratedSamples {

  private GeneratedSamples() {}

  static List<LabeledSample> take(Iterator<LabeledSample> stream, int count) {
    List<LabeledSample> samples = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      samples.add(stream.next());
    }
    return samples;
  }

  /** The same seed gives the same stream, another seed another. */
  static void assertSeeded(LongFunction<SampleStream> streams) {
    List<LabeledSample> first = take(streams.apply(42), 500);

    assertThat(take(streams.apply(42), 500)).isEqualTo(first);
    assertThat(take(streams.apply(43), 500)).isNotEqualTo(first);
  }

  /** The position of a sample in its key's stream, from its id. */
  static long positionInKey(LabeledSample sample) {
    return Long.parseLong(sample.getId().substring(sample.getId().lastIndexOf('-') + 1));
  }
}
