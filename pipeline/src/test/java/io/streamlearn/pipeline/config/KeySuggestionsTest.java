package io.streamlearn.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeySuggestionsTest {

  @ParameterizedTest
  @CsvSource({"kitten, sitting, 3", "'', abc, 3", "abc, abc, 0", "flaw, lawn, 2", "ab, ba, 2"})
  void editDistanceCountsInsertionsDeletionsAndSubstitutions(String a, String b, int distance) {
    assertThat(KeySuggestions.editDistance(a, b)).isEqualTo(distance);
    assertThat(KeySuggestions.editDistance(b, a)).isEqualTo(distance);
  }

  @ParameterizedTest
  @CsvSource({"JOB.NAME, job.name", "job.nmae, job.name", "batch, batch.size"})
  void suggestsTheClosestKnownKeyIgnoringCase(String unknown, String expected) {
    assertThat(
            KeySuggestions.closest(unknown, List.of("batch.size", "job.name", "job.parallelism")))
        .isEqualTo(expected);
  }
}
