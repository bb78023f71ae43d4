package io.streamlearn.pipeline.report;

import io.streamlearn.schemas.MetricsEvent;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The report page: a summary table, the model versions and a section per key with its learning
 * curves and drifts. One file with its CSS inline and its images as data URIs, so that it can be
 * mailed or archived as it is and shows the same offline.
 */
final class HtmlReport {

  /** A key's part of the page: its events, its section id and its chart if it has one. */
  record KeySection(KeyHistory history, String id, Optional<PngChart> curves) {}

  /** Summary columns come in this order, each followed by its windowed variants (name@window). */
  private static final List<String> METRIC_ORDER =
      List.of("predictions", "accuracy", "kappa", "kappaTemporal", "auc", "logLoss", "mae", "rmse");

  private static final Comparator<String> METRIC_COLUMNS =
      Comparator.comparingInt(HtmlReport::metricRank)
          .thenComparing(HtmlReport::baseMetric)
          .thenComparing(Comparator.naturalOrder());

  private static final String CSS =
      """
      body { font-family: system-ui, sans-serif; color: #222; max-width: 1040px;
             margin: 2rem auto; padding: 0 1rem; }
      h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .3rem; }
      img { max-width: 100%; height: auto; border: 1px solid #eee; }
      .scroll { overflow-x: auto; }
      table { border-collapse: collapse; font-size: .85rem; }
      th, td { padding: .3rem .6rem; border-bottom: 1px solid #e5e5e5; text-align: right;
               white-space: nowrap; }
      th { background: #f5f5f5; }
      th:first-child, td:first-child, td.text { text-align: left; }
      /* A wide summary scrolls sideways: keep the key in sight. */
      table.summary td:first-child { position: sticky; left: 0; background: #fff; }
      table.summary th:first-child { position: sticky; left: 0; }
      """;

  // Four decimals tell metrics apart; the cell's tooltip has the exact value.
  private final DecimalFormat metricFormat =
      new DecimalFormat("0.####", DecimalFormatSymbols.getInstance(Locale.ROOT));
  private final StringBuilder html = new StringBuilder();

  private HtmlReport() {}

  static String render(List<KeySection> sections, Optional<PngChart> versions) {
    return new HtmlReport().page(sections, versions);
  }

  private String page(List<KeySection> sections, Optional<PngChart> versions) {
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Streamlearn learning curves</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<h1>Streamlearn learning curves</h1>\n");
    block("p", overview(sections));
    summary(sections);
    html.append("<section id=\"").append(SectionIds.VERSIONS).append("\">\n");
    block("h2", "Model versions");
    versions.ifPresentOrElse(
        chart -> image(chart, "Model versions of every key against position"),
        () -> block("p", "No event names a model version."));
    html.append("</section>\n");
    sections.forEach(this::keySection);
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static String overview(List<KeySection> sections) {
    int snapshots = 0;
    int drifts = 0;
    for (KeySection section : sections) {
      snapshots += section.history().snapshots().size();
      drifts += section.history().drifts().size();
    }
    long keys = sections.stream().filter(section -> !section.history().isOverall()).count();
    return snapshots
        + " snapshots and "
        + drifts
        + " drift events of "
        + keys
        + " keys. Positions count labeled predictions, each key its own.";
  }

  private void summary(List<KeySection> sections) {
    TreeSet<String> metrics = new TreeSet<>(METRIC_COLUMNS);
    sections.forEach(
        section ->
            section
                .history()
                .lastSnapshot()
                .ifPresent(last -> metrics.addAll(last.getMetrics().keySet())));
    html.append("<section id=\"summary\">\n");
    block("h2", "Summary");
    block("p", "The last snapshot of each key.");
    html.append("<div class=\"scroll\">\n<table class=\"summary\">\n<tr>");
    for (String column : List.of("key", "last position", "model version", "drift events")) {
      cell("th", column);
    }
    metrics.forEach(metric -> cell("th", metric));
    html.append("</tr>\n");
    for (KeySection section : sections) {
      summaryRow(section, metrics);
    }
    html.append("</table>\n</div>\n</section>\n");
  }

  private void summaryRow(KeySection section, TreeSet<String> metrics) {
    KeyHistory history = section.history();
    Optional<MetricsEvent> last = history.lastSnapshot();
    html.append("<tr><td><a href=\"#")
        .append(escape(section.id()))
        .append("\">")
        .append(escape(history.isOverall() ? history.title() : history.key()))
        .append("</a></td>");
    cell("td", last.map(snapshot -> Long.toString(snapshot.getPosition())).orElse(""));
    cell("td", history.latestModelVersion().map(String::valueOf).orElse(""));
    cell("td", Integer.toString(history.drifts().size()));
    Map<String, Double> values = last.map(MetricsEvent::getMetrics).orElse(Map.of());
    for (String metric : metrics) {
      metricCell(values.get(metric));
    }
    html.append("</tr>\n");
  }

  private void keySection(KeySection section) {
    KeyHistory history = section.history();
    html.append("<section id=\"").append(escape(section.id())).append("\">\n");
    block("h2", history.title());
    section
        .curves()
        .ifPresentOrElse(
            chart -> image(chart, history.title() + " learning curves"),
            () -> block("p", "No snapshot with a learning-curve metric."));
    if (!history.drifts().isEmpty()) {
      driftTable(history.drifts());
    }
    html.append("</section>\n");
  }

  private void driftTable(List<MetricsEvent> drifts) {
    block("h3", "Drift events");
    html.append("<div class=\"scroll\">\n<table class=\"drifts\">\n<tr>");
    for (String column : List.of("position", "detector", "reaction", "time", "statistics")) {
      cell("th", column);
    }
    html.append("</tr>\n");
    for (MetricsEvent drift : drifts) {
      html.append("<tr>");
      cell("td", Long.toString(drift.getPosition()));
      textCell(drift.getDetector());
      textCell(drift.getReaction());
      textCell(drift.getTime().toString());
      textCell(statistics(drift.getMetrics()));
      html.append("</tr>\n");
    }
    html.append("</table>\n</div>\n");
  }

  private String statistics(Map<String, Double> metrics) {
    return new TreeMap<>(metrics)
        .entrySet().stream()
            .map(entry -> entry.getKey() + " " + metricFormat.format(entry.getValue()))
            .collect(Collectors.joining(", "));
  }

  private void image(PngChart chart, String description) {
    html.append("<img src=\"")
        .append(chart.dataUri())
        .append("\" alt=\"")
        .append(escape(description))
        .append("\" width=\"")
        .append(chart.width())
        .append("\" height=\"")
        .append(chart.height())
        .append("\">\n");
  }

  private void metricCell(Double value) {
    if (value == null) {
      html.append("<td></td>");
    } else {
      html.append("<td title=\"")
          .append(value)
          .append("\">")
          .append(escape(metricFormat.format(value)))
          .append("</td>");
    }
  }

  private void textCell(String text) {
    html.append("<td class=\"text\">").append(escape(text == null ? "" : text)).append("</td>");
  }

  private void cell(String tag, String text) {
    html.append('<')
        .append(tag)
        .append('>')
        .append(escape(text))
        .append("</")
        .append(tag)
        .append('>');
  }

  /** An element on a line of its own. */
  private void block(String tag, String text) {
    cell(tag, text);
    html.append('\n');
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static String baseMetric(String metric) {
    int at = metric.indexOf('@');
    return at < 0 ? metric : metric.substring(0, at);
  }

  private static int metricRank(String metric) {
    int rank = METRIC_ORDER.indexOf(baseMetric(metric));
    return rank < 0 ? METRIC_ORDER.size() : rank;
  }
}
