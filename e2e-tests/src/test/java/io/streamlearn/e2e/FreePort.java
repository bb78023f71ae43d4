package io.streamlearn.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for the servers the tests start. */
final class FreePort {

  private FreePort() {}

  /** A port that was free a moment ago; another process may take it before the server binds it. */
  static int next() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
