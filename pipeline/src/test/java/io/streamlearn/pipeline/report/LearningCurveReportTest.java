package io.streamlearn.pipeline.report;

import static io.streamlearn.pipeline.report.SyntheticMetrics.DRIFT_A;
import static io.streamlearn.pipeline.report.SyntheticMetrics.DRIFT_B;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCurveReportTest {

  @TempDir static Path output;

  static List<Path> written;
  static String html;

  @BeforeAll
  static void writeReport() throws IOException {
    System.setProperty("java.awt.headless", "true");
    written = LearningCurveReport.write(SyntheticMetrics.stream(), output);
    html = Files.readString(output.resolve("report.html"), UTF_8);
  }

  @Test
  void writesThePageAndAChartPerKeyOverallAndForVersions() {
    assertThat(written)
        .containsExactly(
            output.resolve("report.html"),
            output.resolve("overall.png"),
            output.resolve("key-sensor-a.png"),
            output.resolve("key-sensor_b.png"),
            output.resolve("versions.png"));
    assertThat(written).allSatisfy(file -> assertThat(file).isNotEmptyFile());
  }

  @Test
  void hasASectionPerKeyAndOverall() {
    assertThat(html)
        .contains("<section id=\"overall\">\n<h2>Overall</h2>")
        .contains("<section id=\"key-sensor-a\">\n<h2>Key sensor-a</h2>")
        .contains("<section id=\"key-sensor_b\">\n<h2>Key sensor/b</h2>")
        .contains("<section id=\"versions\">\n<h2>Model versions</h2>");
  }

  @Test
  void listsEachKeysDriftsWithDetectorAndReaction() {
    assertThat(section("key-sensor-a"))
        .contains(
            "<td>" + DRIFT_A + "</td><td class=\"text\">ADWIN</td><td class=\"text\">RESET</td>")
        .doesNotContain("PAGE_HINKLEY");
    assertThat(section("key-sensor_b"))
        .contains(
            "<td>"
                + DRIFT_B
                + "</td><td class=\"text\">PAGE_HINKLEY</td><td class=\"text\">ALERT</td>")
        .doesNotContain("ADWIN");
    assertThat(section("overall")).doesNotContain("Drift events");
  }

  @Test
  void summarisesEachKeysLastSnapshotDriftCountAndModelVersion() {
    // Columns: key, position, model version, drift events, predictions, accuracy, accuracy@time,
    // kappa, kappa@time, logLoss, logLoss@time.
    assertThat(summaryRow("overall"))
        .containsSubsequence(
            ">5000<",
            "<td></td>",
            ">0<",
            ">5000<",
            ">0.875<",
            ">0.865<",
            ">0.75<",
            ">0.73<",
            ">0.325<",
            ">0.335<");
    assertThat(summaryRow("key-sensor-a"))
        .containsSubsequence(
            ">5000<", ">11<", ">1<", ">5000<", ">0.85<", ">0.84<", ">0.7<", ">0.68<", ">0.35<",
            ">0.36<");
    assertThat(summaryRow("key-sensor_b"))
        .containsSubsequence(
            ">5000<", ">6<", ">1<", ">5000<", ">0.8<", ">0.79<", ">0.6<", ">0.58<", ">0.4<",
            ">0.41<");
  }

  @Test
  void referencesNothingOutsideThePage() {
    assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("src=\"/");
  }

  @Test
  void embedsEachChartAsThePngWrittenBesideIt() throws IOException {
    for (String id : List.of("overall", "key-sensor-a", "key-sensor_b", "versions")) {
      Matcher image =
          Pattern.compile("<img src=\"data:image/png;base64,([^\"]+)\"").matcher(section(id));
      assertThat(image.find()).as("image in section %s", id).isTrue();
      assertThat(Base64.getDecoder().decode(image.group(1)))
          .isEqualTo(Files.readAllBytes(output.resolve(id + ".png")));
    }
  }

  @Test
  void drawsLearningCurvesAtTheirSize() throws IOException {
    for (String id : List.of("overall", "key-sensor-a", "key-sensor_b")) {
      BufferedImage chart = png(id);
      assertThat(chart.getWidth()).isEqualTo(LearningCurveChart.WIDTH);
      assertThat(chart.getHeight()).isEqualTo(LearningCurveChart.HEIGHT);
      assertThat(Pixels.distinctColors(chart)).as("colours in %s", id).isGreaterThan(500);
      assertThat(Pixels.share(chart, Pixels::isCurveColor))
          .as("curves in %s", id)
          .isGreaterThan(0.005);
    }
  }

  @Test
  void marksDriftsOnlyOnTheChartsOfKeysThatDrifted() throws IOException {
    assertThat(Pixels.count(png("key-sensor-a"), Pixels::isDriftRed)).isGreaterThan(200);
    assertThat(Pixels.count(png("key-sensor_b"), Pixels::isDriftRed)).isGreaterThan(200);
    assertThat(Pixels.count(png("overall"), Pixels::isDriftRed)).isZero();
  }

  @Test
  void drawsModelVersionsAtTheirSize() throws IOException {
    BufferedImage versions = png("versions");
    assertThat(versions.getWidth()).isEqualTo(ModelVersionChart.WIDTH);
    assertThat(versions.getHeight()).isEqualTo(ModelVersionChart.HEIGHT);
    assertThat(Pixels.share(versions, Pixels::isCurveColor)).isGreaterThan(0.005);
  }

  private static BufferedImage png(String id) throws IOException {
    BufferedImage image =
        ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(output.resolve(id + ".png"))));
    assertThat(image).as("%s.png decodes", id).isNotNull();
    return image;
  }

  private static String section(String id) {
    int start = html.indexOf("<section id=\"" + id + "\">");
    assertThat(start).as("section %s", id).isNotNegative();
    return html.substring(start, html.indexOf("</section>", start));
  }

  private static String summaryRow(String id) {
    String summary = section("summary");
    int start = summary.indexOf("<tr><td><a href=\"#" + id + "\">");
    assertThat(start).as("summary row of %s", id).isNotNegative();
    return summary.substring(start, summary.indexOf("</tr>", start));
  }
}
