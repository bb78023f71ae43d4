package io.streamlearn.pipeline.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * A chart rendered once to PNG, for both its file and the report page, which embeds it so that the
 * page stands alone.
 */
record PngChart(String fileName, int width, int height, byte[] png) {

  static PngChart render(String id, JFreeChart chart, int width, int height) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(png, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render chart " + id, e);
    }
    return new PngChart(id + ".png", width, height, png.toByteArray());
  }

  Path writeTo(Path directory) throws IOException {
    return Files.write(directory.resolve(fileName), png);
  }

  String dataUri() {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }
}
