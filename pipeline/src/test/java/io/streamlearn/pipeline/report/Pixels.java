package io.streamlearn.pipeline.report;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;

/** What a test can tell of a rendered chart without looking at it. */
final class Pixels {

  private Pixels() {}

  static int distinctColors(BufferedImage image) {
    Set<Integer> colors = new HashSet<>();
    forEach(image, colors::add);
    return colors.size();
  }

  static long count(BufferedImage image, IntPredicate rgb) {
    long[] count = {0};
    forEach(image, pixel -> count[0] += rgb.test(pixel) ? 1 : 0);
    return count[0];
  }

  static double share(BufferedImage image, IntPredicate rgb) {
    return (double) count(image, rgb) / ((long) image.getWidth() * image.getHeight());
  }

  /** Saturated: no white background, grey grid, black text; any curve's colour. */
  static boolean isCurveColor(int rgb) {
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    return Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60;
  }

  /** The drift markers' red, and nothing else on a chart: no curve is red. */
  static boolean isDriftRed(int rgb) {
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    return r > 170 && g < 90 && b < 90;
  }

  private static void forEach(BufferedImage image, java.util.function.IntConsumer action) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        action.accept(image.getRGB(x, y) & 0xffffff);
      }
    }
  }
}
