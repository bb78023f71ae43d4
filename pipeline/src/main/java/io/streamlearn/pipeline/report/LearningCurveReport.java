package io.streamlearn.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.streamlearn.pipeline.report.HtmlReport.KeySection;
import io.streamlearn.schemas.MetricsEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The learning-curve report of a metrics stream: {@code report.html}, which stands alone, and the
 * same charts as PNG files beside it ({@code overall.png}, {@code key-<key>.png}, {@code
 * versions.png}) for slides and tickets.
 */
public final class LearningCurveReport {

  private static final String PAGE = "report.html";

  private LearningCurveReport() {}

  /**
   * Writes the report of {@code events} into {@code directory}, creating it if needed. Files of an
   * earlier report are overwritten; other files, such as charts of keys no longer in the input, are
   * left alone.
   *
   * @return the files written, the page first
   */
  public static List<Path> write(List<MetricsEvent> events, Path directory) throws IOException {
    List<KeyHistory> histories = KeyHistory.of(events);
    SectionIds ids = new SectionIds();
    List<KeySection> sections = new ArrayList<>();
    for (KeyHistory history : histories) {
      String id = ids.idOf(history);
      Optional<PngChart> curves =
          LearningCurveChart.of(history)
              .map(
                  chart ->
                      PngChart.render(
                          id, chart, LearningCurveChart.WIDTH, LearningCurveChart.HEIGHT));
      sections.add(new KeySection(history, id, curves));
    }
    Optional<PngChart> versions =
        ModelVersionChart.of(histories)
            .map(
                chart ->
                    PngChart.render(
                        SectionIds.VERSIONS,
                        chart,
                        ModelVersionChart.WIDTH,
                        ModelVersionChart.HEIGHT));

    Files.createDirectories(directory);
    List<Path> written = new ArrayList<>();
    written.add(
        Files.writeString(directory.resolve(PAGE), HtmlReport.render(sections, versions), UTF_8));
    for (KeySection section : sections) {
      if (section.curves().isPresent()) {
        written.add(section.curves().get().writeTo(directory));
      }
    }
    if (versions.isPresent()) {
      written.add(versions.get().writeTo(directory));
    }
    return written;
  }
}
