package io.streamlearn.pipeline.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

/**
 * The REST endpoint (and web UI) of a job that {@code run} executes in its own JVM, on a known
 * loopback port. The address is written to the job's state directory while the job runs, so that
 * {@code savepoint} and {@code stop}, started later in other processes, find the job by its
 * configuration alone.
 */
final class InProcessRestEndpoint implements AutoCloseable {

  private static final String LOOPBACK = "127.0.0.1";

  private final String address;
  private final Path addressFile;

  private InProcessRestEndpoint(String address, Path addressFile) {
    this.address = address;
    this.addressFile = addressFile;
  }

  /**
   * Sets the endpoint's address in {@code flink}: the port a {@code flink.rest.port} key gives, or
   * a free one. Flink's own default for a local job, a random port, could not be found later.
   */
  static InProcessRestEndpoint configure(Configuration flink, JobStateDir state)
      throws IOException {
    int port = flink.contains(RestOptions.PORT) ? flink.get(RestOptions.PORT) : freePort();
    flink.set(RestOptions.ADDRESS, LOOPBACK);
    flink.set(RestOptions.BIND_ADDRESS, LOOPBACK);
    flink.set(RestOptions.PORT, port);
    flink.set(RestOptions.BIND_PORT, Integer.toString(port));
    return new InProcessRestEndpoint(LOOPBACK + ":" + port, state.restAddressFile());
  }

  /** HOST:PORT, as {@code --jobmanager} takes it. */
  String address() {
    return address;
  }

  /** Tells later {@code savepoint} and {@code stop} commands where the job is. */
  void publish() throws IOException {
    Files.createDirectories(addressFile.getParent());
    Files.writeString(addressFile, address + "\n");
  }

  /** The job is gone: a later command must not reach some other process at this port. */
  @Override
  public void close() throws IOException {
    Files.deleteIfExists(addressFile);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }
}
