package io.streamlearn.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The few calls of Flink's REST API the tests make, as plain HTTP and JSON, and the text of a Flink
 * process' other HTTP endpoints (its Prometheus reporter's).
 */
final class FlinkRestClient {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

  FlinkRestClient(String hostAndPort) {
    this.base = URI.create("http://" + hostAndPort);
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return JSON.readTree(send(HttpRequest.newBuilder(base.resolve(path)).GET()));
  }

  /** The body of a GET that answers with text, such as a Prometheus endpoint's. */
  String getText(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  /** POSTs a JSON body and returns the JSON answer, such as the trigger id of an operation. */
  JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
    return JSON.readTree(
        send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))));
  }

  void patch(String path) throws IOException, InterruptedException {
    send(
        HttpRequest.newBuilder(base.resolve(path))
            .method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpRequest built = request.timeout(REQUEST_TIMEOUT).build();
    HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          built.method()
              + " "
              + built.uri()
              + " → "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return response.body();
  }
}
