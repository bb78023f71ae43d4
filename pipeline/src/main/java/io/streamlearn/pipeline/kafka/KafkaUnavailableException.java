package io.streamlearn.pipeline.kafka;

/**
 * Kafka cannot be used as a command needs: the servers cannot be reached or refuse this client, or
 * a topic the command reads does not exist. The message is one line that names the servers or
 * topics and what failed, for the user rather than for a stack trace.
 */
public final class KafkaUnavailableException extends RuntimeException {

  public KafkaUnavailableException(String message) {
    super(message);
  }

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
