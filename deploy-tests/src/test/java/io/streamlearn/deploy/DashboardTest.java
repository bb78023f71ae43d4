package io.streamlearn.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard queries only metrics the job exports: the ones docs/operations.md lists
 * under their Prometheus names (which StreamlearnOnClusterE2ECase scrapes from a real cluster).
 */
class DashboardTest {

  private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_]+");

  @Test
  void everyMetricTheDashboardQueriesIsOneOperationsMdLists() throws IOException {
    JsonNode dashboard =
        Repository.JSON.readTree(
            Repository.file("docker/grafana/dashboards/streamlearn.json").toFile());
    Set<String> queried = new TreeSet<>();
    for (JsonNode expression : dashboard.findValues("expr")) {
      Matcher metric = METRIC.matcher(expression.asText());
      while (metric.find()) {
        queried.add(metric.group());
      }
    }
    Set<String> documented = new TreeSet<>();
    Matcher metric =
        Pattern.compile("`(flink_[A-Za-z0-9_]+)`")
            .matcher(Repository.text(Repository.file("docs/operations.md")));
    while (metric.find()) {
      documented.add(metric.group(1));
    }

    assertThat(queried)
        .contains(
            "flink_taskmanager_job_task_operator_trainingSteps",
            "flink_taskmanager_job_task_operator_samplesTrained",
            "flink_taskmanager_job_task_operator_trainingStepTimeMicros",
            "flink_taskmanager_job_task_operator_trainingLoss",
            "flink_taskmanager_job_task_operator_modelVersion",
            "flink_taskmanager_job_task_operator_deadLetters_reason_count",
            "flink_jobmanager_job_lastCheckpointDuration",
            "flink_taskmanager_job_task_backPressuredTimeMsPerSecond");
    assertThat(documented).containsAll(queried);
  }
}
